import {
  coerceInputValue,
  isInputType,
  isNonNullType,
  TypeInfo,
  typeFromAST,
  ValidationContext,
  valueFromAST,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
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
 * so the message names the variable, the input field and the expected type, and nothing else:
 * one message per variable (its first failure), however many places in its value fail.
 *
 * A nullable variable may stand where a non-null value is expected when that place has a default
 * (graphql-js's VariablesInAllowedPositionRule); given null, execution would refuse it there as a
 * field error. It is refused here instead, as bad input naming the variable and the type expected.
 */
export function coerceOperationVariables(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  raw: Record<string, unknown> | undefined,
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
      let first: string | undefined;
      coerced[name] = coerceInputValue(inputs[name], type, (path) => {
        first ??= invalidVariableMessage(name, type, path);
      });
      if (first !== undefined) problems.push(first);
    }
  }
  if (problems.length === 0 && Object.values(coerced).includes(null)) {
    const refused = new Set<string>();
    const usages = new ValidationContext(schema, document, new TypeInfo(schema), () => {}).getRecursiveVariableUsages(operation);
    for (const { node, type } of usages) {
      const name = node.name.value;
      if (type && isNonNullType(type) && coerced[name] === null && !refused.has(name)) {
        refused.add(name);
        problems.push(invalidVariableMessage(name, type, []));
      }
    }
  }
  if (problems.length > 0) throw new GatewayError(ErrorCode.BAD_USER_INPUT, problems.join(" "));
  return coerced;
}
