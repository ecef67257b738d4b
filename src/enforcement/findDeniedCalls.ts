import type { GraphQLSchema } from "graphql";
import type { Caller } from "../policy/caller.js";
import type { OperationReads } from "./collectOperationReads.js";
import type { DeniedRead } from "./findDeniedReads.js";
import { mayEverCall, ROOT_FIELD_AUDIENCE } from "./rootFieldAudience.js";

/**
 * The root fields an operation calls (its reads: `@skip`/`@include` applied) that do not serve
 * this caller (ROOT_FIELD_AUDIENCE), whatever the purpose. A root field the table does not list
 * serves no one.
 */
export function findDeniedCalls(schema: GraphQLSchema, reads: OperationReads, caller: Caller): DeniedRead[] {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => (t ? [t.name] : [])),
  );
  return [...reads.fields]
    .sort()
    .filter((coordinate) => roots.has(coordinate.slice(0, coordinate.indexOf("."))) && !mayEverCall(caller, coordinate))
    .map((coordinate) => ({
      coordinate,
      category: null,
      reason: "NOT_IN_AUDIENCE" as const,
      message: `${coordinate} is called only by ${ROOT_FIELD_AUDIENCE[coordinate]?.join(", ") || "no one"}.`,
    }));
}
