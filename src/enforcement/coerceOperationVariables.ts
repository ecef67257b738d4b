import { getVariableValues, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import { scrubEchoedValues } from "../errors/toGraphQLError.js";

/**
 * The variables as execution will see them: coerced, defaults filled in. Checks made before
 * execution must read these, never the raw request: a default value (`$f: CustomerFilter =
 * { email: "..." }`) is as much a read as a value sent. Uncoercible variables are bad input.
 */
export function coerceOperationVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, raw: Record<string, unknown> | undefined): Record<string, unknown> {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], raw ?? {});
  if (result.errors) throw new GatewayError(ErrorCode.BAD_USER_INPUT, result.errors.map((e) => scrubEchoedValues(e.message)).join(" "));
  return result.coerced;
}
