import {
  coerceInputValue, isInputType, isNonNullType, TypeInfo, typeFromAST, ValidationContext, valueFromAST,
  type DocumentNode, type GraphQLSchema, type OperationDefinitionNode,
} from "graphql";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import { invalidVariableMessage } from "../errors/messageWithoutInput.js";

/**
 * The variables as execution will see them: coerced, defaults filled in. Checks made before
 * execution must read these, never the raw request: a default value (`$f: CustomerFilter =
 * { email: "..." }`) is as much a read as a value sent. Uncoercible variables are bad input.
 *
 * graphql-js's getVariableValues, but with messages of our own: its messages quote the value
 * ("got invalid value ..."), while coerceInputValue hands over where the value failed as data,
 * so the message names the variable, the input field and the expected type, and nothing else.
 * A nullable variable sent as null where the operation uses it in a non-null position (`$x:
 * Boolean = true` in `@skip(if: $x)`) is refused here too: validation allows it for the default's
 * sake, and execution would fail on it.
 */
export function coerceOperationVariables(
  schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, raw: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const inputs = raw ?? {};
  const coerced: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    if (!isInputType(type)) {
      problems.push(`Variable "$${name}" is not of an input type.`); // validation refuses this first
    } else if (!Object.hasOwn(inputs, name)) {
      if (definition.defaultValue) coerced[name] = valueFromAST(definition.defaultValue, type);
      else if (isNonNullType(type)) problems.push(`Variable "$${name}" of required type "${type}" was not provided.`);
    } else if (inputs[name] === null && isNonNullType(type)) {
      problems.push(`Variable "$${name}" of non-null type "${type}" must not be null.`);
    } else {
      coerced[name] = coerceInputValue(inputs[name], type, (path) => problems.push(invalidVariableMessage(name, type, path)));
    }
  }
  if (problems.length === 0 && Object.values(coerced).includes(null)) problems.push(...nullsInNonNullPositions(schema, document, operation, coerced));
  if (problems.length > 0) throw new GatewayError(ErrorCode.BAD_USER_INPUT, problems.join(" "));
  return coerced;
}

/** A message for each variable that is null and used (in the operation or a fragment it spreads) where null is not allowed. */
function nullsInNonNullPositions(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): string[] {
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => {});
  const refused = new Set<string>();
  for (const { node, type } of context.getRecursiveVariableUsages(operation)) {
    const name = node.name.value;
    if (variables[name] === null && type !== undefined && isNonNullType(type)) refused.add(`Variable "$${name}" must not be null where it is used (a value of type "${type}").`);
  }
  return [...refused];
}
