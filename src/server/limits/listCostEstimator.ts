import { getNullableType, isListType } from "graphql";
import type { ComplexityEstimator } from "graphql-query-complexity";

export interface ListCostOptions {
  /** What a list without a `first` argument (a customer's accounts, `__schema.types`) is assumed to hold. Default 10. */
  defaultListSize?: number;
}

/** The one argument the cost model reads (see costVariables: a variable given to it can change the cost). */
export const COST_ARGUMENT = "first";

/**
 * The cost model: every field costs 1 plus what it selects; a field with a `first` argument
 * costs that many times as much, any other list `defaultListSize` times. The cost therefore
 * bounds the number of values a response can hold, nested pages multiplying. `first` as sent,
 * literal or variable (graphql-query-complexity coerces it), never below 1: a negative `first`
 * must not subtract from its siblings' cost. The `edges` of a Relay connection (a type named
 * `…Connection`) are already counted by the connection's own `first`.
 */
export function listCostEstimator(options: ListCostOptions = {}): ComplexityEstimator {
  const defaultListSize = options.defaultListSize ?? 10;
  return ({ type, field, args, childComplexity }) => {
    const own = 1 + childComplexity;
    const first = args[COST_ARGUMENT];
    if (typeof first === "number") return own * Math.max(first, 1);
    if (field.name === "edges" && type.name.endsWith("Connection")) return own;
    return isListType(getNullableType(field.type)) ? own * defaultListSize : own;
  };
}
