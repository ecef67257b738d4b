import type { GraphQLResolveInfo } from "graphql";
import { operationReads } from "../../enforcement/operationReads.js";

/** Field names by object type name. */
export type FieldsByType = ReadonlyMap<string, ReadonlySet<string>>;

// One grouping per request: its variables object is the request's own (graphql-js coerces a new
// one for every execution), and every resolver of the request sees the same.
const grouped = new WeakMap<object, FieldsByType>();

/**
 * Every field the request's operation selects on each object type, wherever it appears: the
 * static check's own reads (operationReads: aliases, fragments, `@skip`/`@include` as the
 * request's variables decide them, a selection on an interface or a union counted for each of
 * its possible types, so the answer may name more than will run, never less), by type. For
 * reading ahead only (which columns of nested rows to fetch with their parents); it decides
 * nothing about access.
 */
export function fieldsByType(info: GraphQLResolveInfo): FieldsByType {
  let found = grouped.get(info.variableValues);
  if (found === undefined) {
    const byType = new Map<string, Set<string>>();
    for (const coordinate of operationReads(info.schema, info.operation, info.fragments, info.variableValues).fields) {
      const dot = coordinate.indexOf(".");
      const type = coordinate.slice(0, dot);
      let fields = byType.get(type);
      if (fields === undefined) byType.set(type, (fields = new Set()));
      fields.add(coordinate.slice(dot + 1));
    }
    grouped.set(info.variableValues, (found = byType));
  }
  return found;
}
