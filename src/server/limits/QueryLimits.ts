/**
 * The limits every operation is held to before it executes (src/server/limits/). Each is read
 * from the environment by src/server/config.ts. The defaults admit the standard introspection
 * query (depth 15, cost about 51,000), a support page of 500 customers with their profiles,
 * accounts and cards (cost 76,000), and every operation the leak-hunt tests generate (up to 55 aliases
 * and 40 directives), and refuse what goes beyond them.
 */
export interface QueryLimits {
  /** Nesting of fields, fragments flattened, introspection counted (`MAX_DEPTH`). */
  maxDepth: number;
  /** Aliased fields, through every fragment spread (`MAX_ALIASES`). */
  maxAliases: number;
  /** Selections (fields, fragment spreads, inline fragments) counted through every fragment expansion (`MAX_FIELDS`). */
  maxFields: number;
  /** Lexical tokens of the document, comments excluded (`MAX_TOKENS`). */
  maxTokens: number;
  /** Directives, the operation's own included, through every fragment spread (`MAX_DIRECTIVES`). */
  maxDirectives: number;
  /** Estimated cost, lists multiplied by their `first` argument (`MAX_COST`; see listCostEstimator.ts). */
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimits> = {
  maxDepth: 15,
  maxAliases: 100,
  maxFields: 1_000,
  maxTokens: 2_000,
  maxDirectives: 100,
  maxCost: 250_000,
};

/** The name each limit carries in `extensions.limit` of a QUERY_LIMIT_EXCEEDED error. Stable API. */
export type QueryLimitName = "depth" | "aliases" | "fields" | "tokens" | "directives" | "cost";
