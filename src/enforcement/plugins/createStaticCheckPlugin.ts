import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { toGraphQLError } from "../../errors/toGraphQLError.js";
import { purposeName } from "../../policy/purposeName.js";
import type { EnforcementContext } from "../EnforcementContext.js";
import { operationVariables } from "./operationVariables.js";
import { getDataMap } from "../dataMap.js";
import { findDeniedCalls } from "../findDeniedCalls.js";
import { findDeniedReads } from "../findDeniedReads.js";
import { fragmentsOf } from "../fragmentsOf.js";
import { operationReads } from "../operationReads.js";

export interface StaticCheckPluginOptions {
  /** The bare gateway schema (no default): the operation's reads and the data map are taken from it. */
  schema: GraphQLSchema;
}

/**
 * Before execution, once per operation: a root field that does not serve the caller
 * (ROOT_FIELD_AUDIENCE), and every personal field the operation selects or filters by that the
 * caller can never read for the declared purpose, rejects the whole operation with one FORBIDDEN
 * error listing each denied coordinate, its category and the reason; no resolver runs and no SQL
 * is issued. The rule tree refuses the same root fields again at run time (the backstop).
 *
 * It reads the purpose only once the purpose plugin has resolved it (`enforcement.purposeResolved`),
 * so the two may be registered in any order; a request whose purpose was refused, or that only
 * introspects, is left to the plugin that answers it.
 *
 * An operation's reads are kept with its parsed document when no variable decided them
 * (operationReads), so a client's repeated operation is walked once; the check against the
 * caller and purpose runs on every request.
 */
export function createStaticCheckPlugin(options: StaticCheckPluginOptions): ApolloServerPlugin<EnforcementContext> {
  const dataMap = getDataMap(options.schema);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue: ctx, request }) {
          if (!operation) return;
          await ctx.enforcement.purposeResolved;
          if (!ctx.enforcement.mayExecute) return; // refused by the purpose plugin, or introspection only
          const purpose = ctx.enforcement.purpose;
          const reads = operationReads(
            options.schema,
            operation,
            fragmentsOf(document),
            operationVariables(options.schema, document, operation, request),
          );
          const uncallable = findDeniedCalls(options.schema, reads, ctx.caller);
          const denied = [
            ...uncallable,
            ...(purpose === null ? [] : findDeniedReads(reads, dataMap, ctx.enforcement.policy, ctx.caller, purpose)),
          ];
          if (denied.length === 0) return;
          const message =
            uncallable.length > 0
              ? `This operation calls ${uncallable.map((d) => d.coordinate).join(", ")}, which your role or grant can never call.`
              : `This operation reads ${denied.length} field${denied.length === 1 ? "" : "s"} that your role or grant can never read for ${purposeName(purpose!)}.`;
          throw toGraphQLError(
            new GatewayError(ErrorCode.FORBIDDEN, message, { ...(purpose === null ? {} : { purpose: purposeName(purpose) }), denied }),
          );
        },
      };
    },
  };
}
