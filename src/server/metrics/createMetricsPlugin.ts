import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import type { DocumentNode, OperationDefinitionNode } from "graphql";
import { rootFieldNames } from "../../enforcement/rootFieldNames.js";
import { isDatabaseUnavailable } from "../../db/isDatabaseUnavailable.js";
import type { Metrics } from "./createMetrics.js";
import { noteError, type ObservedContext } from "./requestObservation.js";

/**
 * What the request log calls the operation: its type and its distinct root fields, sorted
 * (`query customers`, `query customer,me`). Never the operation's name: that is free text the
 * client chose (a document built per subject would put personal data in it). Root field names
 * come from the schema once the operation has validated (no operation before that: null).
 */
const operationLabel = (operation: OperationDefinitionNode, document: DocumentNode): string =>
  `${operation.operation} ${[...new Set(rootFieldNames(operation, document))].sort().join(",")}`;

export interface MetricsPluginOptions {
  /** The gateway's metrics (no default: the registry /metrics serves), where each request's decision tally is added. */
  metrics: Metrics;
}

/**
 * Hands what only Apollo knows to the request's observation (requestObservation.ts): the errors
 * met (tagged with the request, so formatError logs the original with its request id; a database
 * that cannot be reached turns the answer into 503 SERVICE_UNAVAILABLE), the operation's label
 * (operationLabel; none when the operation did not validate), the resolved purpose and the response body.
 * Adds the request's decision tally to the metrics once: nothing is counted per field here.
 */
export function createMetricsPlugin(options: MetricsPluginOptions): ApolloServerPlugin<ObservedContext> {
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
        async willSendResponse({ contextValue: ctx, operation, document, response }) {
          const { observation } = ctx;
          const purpose = ctx.enforcement.purpose;
          observation.operation = operation && document ? operationLabel(operation, document) : null;
          observation.purpose = purpose;
          if (response.body.kind === "single") observation.result = response.body.singleResult;
          if (purpose !== null) metrics.decisionsApplied(purpose, ctx.enforcement.decisionTally());
        },
      };
    },
  };
}
