import type { ApolloServerPlugin } from "@apollo/server";
import { getDirectiveValues, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { toGraphQLError } from "../../errors/toGraphQLError.js";
import { operationVariables } from "./operationVariables.js";
import type { GatewayContext } from "../../graphql/context.js";
import { defaultPurpose, mayDeclare, purposesFor } from "../../policy/caller.js";
import { isPurpose, type Purpose } from "../../policy/purposes.js";

/** An operation that only introspects (`__schema`, `__type`, `__typename`) reads no data and needs no purpose. */
export function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === "Field" && s.name.value.startsWith("__"));
}

/**
 * Resolves the request's purpose before execution: `@purpose(name: ...)` on the operation, or the
 * `x-purpose` header (they must agree when both are given), else the caller's default (a customer
 * on their own data: account_management). Missing: PURPOSE_REQUIRED; outside the caller's role
 * or grant: PURPOSE_NOT_ALLOWED. Either way nothing executes.
 */
export function createPurposePlugin(options: { schema: GraphQLSchema }): ApolloServerPlugin<GatewayContext> {
  const directive = options.schema.getDirective("purpose");
  if (!directive) throw new Error("the schema lacks the @purpose directive");
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue: ctx, request }) {
          if (!operation || isIntrospectionOnly(operation)) return; // purpose stays null: shield denies every field
          const variables = operationVariables(options.schema, document, operation, request);
          const declared = getDirectiveValues(directive, operation, variables)?.name as Purpose | undefined;
          const header = ctx.headerPurpose;
          if (header !== null && !isPurpose(header)) {
            throw toGraphQLError(new GatewayError(ErrorCode.BAD_USER_INPUT, "The x-purpose header names no known purpose."));
          }
          if (declared && header && declared !== header) {
            throw toGraphQLError(new GatewayError(ErrorCode.BAD_USER_INPUT, "The @purpose directive and the x-purpose header disagree."));
          }
          const purpose = declared ?? (header as Purpose | null) ?? defaultPurpose(ctx.caller);
          const { policy } = ctx.enforcement;
          const allowed = purposesFor(policy, ctx.caller);
          if (purpose === null) {
            throw toGraphQLError(new GatewayError(ErrorCode.PURPOSE_REQUIRED,
              "Declare a purpose with @purpose(name: ...) on the operation or the x-purpose header.", { allowedPurposes: allowed }));
          }
          if (!mayDeclare(policy, ctx.caller, purpose)) {
            throw toGraphQLError(new GatewayError(ErrorCode.PURPOSE_NOT_ALLOWED,
              `The purpose ${purpose} is not among those your role or grant allows.`, { allowedPurposes: allowed }));
          }
          ctx.enforcement.setPurpose(purpose);
        },
      };
    },
  };
}
