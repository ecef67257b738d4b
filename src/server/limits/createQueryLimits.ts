import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema, ValidationRule } from "graphql";
import { assertTokenLimit } from "./assertTokenLimit.js";
import { createCostLimitPlugin } from "./createCostLimitPlugin.js";
import { queryLimitRules } from "./queryLimitRules.js";
import type { QueryLimits } from "./QueryLimits.js";

export interface QueryLimitGuards {
  /** For the HTTP layer, on the raw query text before authentication: the token limit. */
  checkSource(query: string): void;
  /** For Apollo's `validationRules`: depth, aliases, directives. */
  validationRules: ValidationRule[];
  /** For Apollo's plugins, first: cost and selections, once variables are known. */
  plugin: ApolloServerPlugin;
}

/**
 * Every query limit, each refused before execution with QUERY_LIMIT_EXCEEDED and `extensions.limit`,
 * at the earliest point it can be judged: tokens on the raw text, shape at validation, cost once
 * the variables are known. The request body size is the HTTP layer's (MAX_BODY_BYTES).
 */
export function createQueryLimits(limits: QueryLimits, schema: GraphQLSchema): QueryLimitGuards {
  return {
    checkSource: (query) => assertTokenLimit(query, limits.maxTokens),
    validationRules: queryLimitRules(limits),
    plugin: createCostLimitPlugin({ schema, maxCost: limits.maxCost, maxFields: limits.maxFields }),
  };
}
