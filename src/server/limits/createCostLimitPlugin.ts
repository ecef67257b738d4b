import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type DocumentNode, type GraphQLSchema } from "graphql";
import { getComplexity } from "graphql-query-complexity";
import { toGraphQLError } from "../../errors/toGraphQLError.js";
import { operationVariables } from "../../enforcement/plugins/operationVariables.js";
import { costVariables } from "./costVariables.js";
import { limitExceeded } from "./limitExceeded.js";
import { listCostEstimator, type ListCostOptions } from "./listCostEstimator.js";

/** Distinct costs kept per document (values of `first` that vary from request to request); cleared when full. */
const MAX_COSTS_PER_DOCUMENT = 100;

/** graphql-query-complexity's refusal once `maxQueryNodes` selections have been evaluated. */
const NODES_EXCEEDED = "Query exceeds the maximum allowed number of nodes.";

export interface CostLimitOptions extends ListCostOptions {
  /** The bare or enforced schema: only its types are read. */
  schema: GraphQLSchema;
  /** Highest cost accepted (listCostEstimator). */
  maxCost: number;
  /** Most selections evaluated, through every fragment expansion. */
  maxFields: number;
}

/**
 * Before execution, with the variables known (`first: $n` costs what `$n` is): the operation's
 * cost under listCostEstimator and its number of selections counted through every fragment
 * expansion (graphql-query-complexity's `maxQueryNodes`, which also stops a fragment that
 * doubles itself level by level from being walked exponentially). Over either: QUERY_LIMIT_EXCEEDED,
 * nothing executes. Listed first among the plugins, so its refusal is the one the client sees
 * (Apollo runs `didResolveOperation` hooks together and answers the first to fail, in order).
 */
export function createCostLimitPlugin(options: CostLimitOptions): ApolloServerPlugin {
  const estimators = [listCostEstimator(options)];
  // Costs by parsed document (Apollo keeps documents), then by operation name and the values of
  // the variables that can change the cost (costVariables): the walk through every fragment
  // expansion is about 0.9 ms for a lookup of 50 aliased fields, and repeats per request otherwise.
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema }) {
          if (!operation) return;
          // Invalid variables are answered as the other pre-execution checks answer them.
          const variables = operationVariables(options.schema, document, operation, request);
          let byKey = costs.get(document);
          if (byKey === undefined) costs.set(document, (byKey = new Map()));
          const key = JSON.stringify([request.operationName ?? null, ...costVariables(document).map((name) => variables[name] ?? null)]);
          let cost = byKey.get(key);
          if (cost === undefined) {
            try {
              cost = getComplexity({
                schema,
                query: document,
                operationName: request.operationName ?? undefined,
                variables: request.variables ?? {},
                estimators,
                maxQueryNodes: options.maxFields + 1,
              });
            } catch (error) {
              if (error instanceof GraphQLError && error.message === NODES_EXCEEDED)
                throw toGraphQLError(limitExceeded("fields", options.maxFields));
              throw error;
            }
            if (byKey.size >= MAX_COSTS_PER_DOCUMENT) byKey.clear();
            byKey.set(key, cost);
          }
          if (cost > options.maxCost) throw toGraphQLError(limitExceeded("cost", options.maxCost, cost));
        },
      };
    },
  };
}
