import type { GraphQLSchema } from "graphql";
import type { Caller } from "../policy/caller.js";
import type { OperationReads } from "./collectOperationReads.js";
import type { DeniedRead } from "./findDeniedReads.js";
import { mayEverCall, ROOT_FIELD_AUDIENCE } from "./rootFieldAudience.js";

const rootsBySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/** The names of the schema's root types, found once per schema. */
function rootTypeNames(schema: GraphQLSchema): ReadonlySet<string> {
  let roots = rootsBySchema.get(schema);
  if (!roots) {
    roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => (t ? [t.name] : [])));
    rootsBySchema.set(schema, roots);
  }
  return roots;
}

/**
 * The root fields an operation calls (its reads: `@skip`/`@include` applied) that do not serve
 * this caller (ROOT_FIELD_AUDIENCE), whatever the purpose. A root field the table does not list
 * serves no one.
 */
export function findDeniedCalls(schema: GraphQLSchema, reads: OperationReads, caller: Caller): DeniedRead[] {
  const roots = rootTypeNames(schema);
  return [...reads.fields]
    .filter((coordinate) => roots.has(coordinate.slice(0, coordinate.indexOf("."))) && !mayEverCall(caller, coordinate))
    .sort()
    .map((coordinate) => ({
      coordinate,
      category: null,
      reason: "NOT_IN_AUDIENCE" as const,
      message: `${coordinate} is called only by ${ROOT_FIELD_AUDIENCE[coordinate]?.join(", ") || "no one"}.`,
    }));
}
