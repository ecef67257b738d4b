import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { toGraphQLError } from "../../errors/toGraphQLError.js";
import { purposeName } from "../../policy/purposeName.js";
import type { EnforcementContext } from "../EnforcementContext.js";
import { operationVariables } from "./operationVariables.js";
import { getDataMap } from "../dataMap.js";
import { findDeniedReads } from "../findDeniedReads.js";
import { fragmentsOf } from "../fragmentsOf.js";
import { operationReads } from "../operationReads.js";

export interface StaticCheckPluginOptions {
  /** The bare gateway schema (no default): the operation's reads and the data map are taken from it. */
  schema: GraphQLSchema;
}

/**
 * Before execution, once per operation: every personal field the operation selects or filters
 * by is checked against the caller's ceiling for the declared purpose. One field this caller can
 * never read rejects the whole operation with one FORBIDDEN error listing each denied coordinate,
 * its category and the reason; no resolver runs and no SQL is issued.
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
          const purpose = ctx.enforcement.purpose;
          if (purpose === null || !operation) return; // introspection only (the purpose plugin ran first)
          const reads = operationReads(
            options.schema,
            operation,
            fragmentsOf(document),
            operationVariables(options.schema, document, operation, request),
          );
          const denied = findDeniedReads(reads, dataMap, ctx.enforcement.policy, ctx.caller, purpose);
          if (denied.length > 0) {
            throw toGraphQLError(
              new GatewayError(
                ErrorCode.FORBIDDEN,
                `This operation reads ${denied.length} field${denied.length === 1 ? "" : "s"} that your role or grant can never read for ${purposeName(purpose)}.`,
                { purpose: purposeName(purpose), denied },
              ),
            );
          }
        },
      };
    },
  };
}
