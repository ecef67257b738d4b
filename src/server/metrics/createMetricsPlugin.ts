import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { isDatabaseUnavailable } from "../../db/isDatabaseUnavailable.js";
import type { Metrics } from "./createMetrics.js";
import { noteError, type ObservedContext } from "./requestObservation.js";

/** Operation names are identifiers the client chose: logged, but only so much of them. */
const MAX_OPERATION_NAME = 100;

/**
 * Hands what only Apollo knows to the request's observation (requestObservation.ts): the errors
 * met (tagged with the request, so formatError logs the original with its request id; a database
 * that cannot be reached turns the answer into 503 SERVICE_UNAVAILABLE), the operation name from
 * the parsed document (none when parsing failed), the resolved purpose and the response body.
 * Adds the request's decision tally to the metrics once: nothing is counted per field here.
 */
export function createMetricsPlugin(options: { metrics: Metrics }): ApolloServerPlugin<ObservedContext> {
  const { metrics } = options;
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue: { observation }, errors }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            noteError(original, observation);
            if (observation.databaseError === null && isDatabaseUnavailable(original)) observation.databaseError = original;
          }
        },
        async willSendResponse({ contextValue: ctx, operationName, response }) {
          const { observation } = ctx;
          const purpose = ctx.enforcement.purpose;
          observation.operation = operationName ? operationName.slice(0, MAX_OPERATION_NAME) : null;
          observation.purpose = purpose;
          if (response.body.kind === "single") observation.result = response.body.singleResult;
          if (purpose !== null) metrics.decisionsTaken(purpose, ctx.enforcement.decisionTally());
        },
      };
    },
  };
}
