import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type ValidationContext, type ValidationRule } from "graphql";
import { limitExceeded } from "./limitExceeded.js";
import type { QueryLimitName, QueryLimits } from "./QueryLimits.js";

/**
 * graphql-armor's depth, alias and directive limits as validation rules: they run with graphql's
 * own rules, once per document (Apollo caches validated documents), before any plugin hook, so a
 * refused operation resolves nothing. Each refusal is reported (not thrown: a throw would be a
 * 500) as QUERY_LIMIT_EXCEEDED through the error adapter.
 *
 * Settings that close armor's known holes:
 * - `ignoreIntrospection: false`: with armor's default, a `__schema` field is not measured at all,
 *   so `{ __schema { types { ofType { ofType ... } } } }` nests without bound (graphql-js's own
 *   introspection-depth rule counts only `fields`/`interfaces`/`possibleTypes`/`inputFields`), and
 *   earlier armor releases skipped any node named `__schema`, a fragment spread included.
 *   Introspection is measured like any other selection; the standard introspection query fits
 *   the default depth. test/server/limits.test.ts reproduces the hole and holds it closed.
 * - `flattenFragments: true`: a fragment spread is not a level of the response; counting it as
 *   one would refuse ordinary fragment-heavy documents for a depth they do not have.
 * - `allowList: []`: armor lets `__typename` aliases through by default, an unbounded alias flood.
 * - armor's cost limit is off: it reads `first` only from literals (`first: $n` costs 1). The
 *   cost model is listCostEstimator's, applied after variables are known (createCostLimitPlugin).
 * - its token limit and field-suggestion masking are off: tokens are counted at the HTTP layer
 *   (assertTokenLimit), suggestions are hidden by Apollo (`hideSchemaDetailsFromClientErrors`).
 */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const refuse = (limit: QueryLimitName, max: number) => ({
    enabled: true,
    n: max,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, armorError: GraphQLError) => {
        const found = /found (\d+)/.exec(armorError.message)?.[1];
        const error = limitExceeded(limit, max, found === undefined ? undefined : Number(found));
        context?.reportError(new GraphQLError(error.message, { originalError: error }));
      },
    ],
  });
  const armor = new ApolloArmor({
    maxDepth: { ...refuse("depth", limits.maxDepth), ignoreIntrospection: false, flattenFragments: true },
    maxAliases: { ...refuse("aliases", limits.maxAliases), allowList: [] },
    maxDirectives: refuse("directives", limits.maxDirectives),
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  });
  return armor.protect().validationRules as ValidationRule[];
}
