import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { toGraphQLError } from "../../errors/toGraphQLError.js";
import { purposeName } from "../../graphql/common/purposeName.js";
import type { GatewayContext } from "../../graphql/context.js";
import { operationVariables } from "./operationVariables.js";
import { getDataMap } from "../dataMap.js";
import { findDeniedReads } from "../findDeniedReads.js";
import { fragmentsOf } from "../fragmentsOf.js";
import { operationReads } from "../operationReads.js";

/**
 * Before execution, once per operation: every personal field the operation selects or filters
 * by is checked against the caller's ceiling for the declared purpose. One field this caller can
 * never read rejects the whole operation with one FORBIDDEN error listing each denied coordinate,
 * its category and the reason; no resolver runs and no SQL is issued.
 *
 * It reads the purpose only once the purpose plugin has resolved it (`enforcement.purposeResolved`),
 * so the two may be registered in any order.
 *
 * An operation's reads are kept with its parsed document when no variable decided them
 * (operationReads), so a client's repeated operation is walked once; the check against the
 * caller and purpose runs on every request.
 */
export function createStaticCheckPlugin(options: { schema: GraphQLSchema }): ApolloServerPlugin<GatewayContext> {
  const dataMap = getDataMap(options.schema);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue: ctx, request }) {
          if (!operation) return;
          await ctx.enforcement.purposeResolved;
          const purpose = ctx.enforcement.purpose;
          if (purpose === null) return; // refused by the purpose plugin, introspection only, or needs none
          const reads = operationReads(options.schema, operation, fragmentsOf(document), operationVariables(options.schema, document, operation, request));
          const denied = findDeniedReads(reads, dataMap, ctx.enforcement.policy, ctx.caller, purpose);
          if (denied.length > 0) {
            throw toGraphQLError(new GatewayError(ErrorCode.FORBIDDEN,
              `This operation reads ${denied.length} field${denied.length === 1 ? "" : "s"} that your role or grant can never read for ${purposeName(purpose)}.`,
              { purpose: purposeName(purpose), denied }));
          }
        },
      };
    },
  };
}
