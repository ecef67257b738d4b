import type { GraphQLRequest } from "@apollo/server";
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from "graphql";
import type { GatewayError } from "../../errors/GatewayError.js";
import { toGraphQLError } from "../../errors/toGraphQLError.js";
import { coerceOperationVariables } from "../coerceOperationVariables.js";

const coerced = new WeakMap<GraphQLRequest, Record<string, unknown>>();

/**
 * The request's coerced variables for the plugins that check before execution (purpose, static
 * check): coerced once per request, an invalid variable answered as a GraphQL error.
 */
export function operationVariables(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  request: GraphQLRequest,
): Record<string, unknown> {
  let variables = coerced.get(request);
  if (!variables) {
    try {
      variables = coerceOperationVariables(schema, document, operation, request.variables);
    } catch (error) {
      throw toGraphQLError(error as GatewayError);
    }
    coerced.set(request, variables);
  }
  return variables;
}
