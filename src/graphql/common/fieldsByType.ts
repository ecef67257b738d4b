import {
  getNamedType, isAbstractType, isObjectType, Kind, type GraphQLNamedType, type GraphQLObjectType, type GraphQLResolveInfo,
  type GraphQLSchema, type SelectionSetNode,
} from "graphql";
import { isIncluded } from "./isIncluded.js";

/** Field names by object type name. */
export type FieldsByType = ReadonlyMap<string, ReadonlySet<string>>;

// One walk per request: its variables object is the request's own (graphql-js coerces a new one
// for every execution), and every resolver of the request sees the same.
const walked = new WeakMap<object, FieldsByType>();

/**
 * Every field the request's operation selects on each object type, wherever it appears: through
 * aliases, named and inline fragments, and `@skip`/`@include` as the request's variables decide
 * them (names, not aliases; `__typename` included). A selection on an interface or a union counts
 * for each of its possible types, so the answer may name more than will run, never less. For
 * reading ahead only (which columns of nested rows to fetch with their parents); it decides
 * nothing about access.
 */
export function fieldsByType(info: GraphQLResolveInfo): FieldsByType {
  let found = walked.get(info.variableValues);
  if (found === undefined) {
    const byType = new Map<string, Set<string>>();
    const root = info.schema.getRootType(info.operation.operation);
    if (root) walk(info.operation.selectionSet, root, info, byType, new Set());
    walked.set(info.variableValues, (found = byType));
  }
  return found;
}

// Module-level, not a closure per call: see selectedFields.
function walk(set: SelectionSetNode, type: GraphQLObjectType, info: GraphQLResolveInfo, into: Map<string, Set<string>>, spread: Set<string>): void {
  for (const selection of set.selections) {
    if (!isIncluded(selection, info.variableValues)) continue;
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      let fields = into.get(type.name);
      if (fields === undefined) into.set(type.name, (fields = new Set()));
      fields.add(name);
      const field = type.getFields()[name];
      if (selection.selectionSet && field) {
        for (const inner of objectTypes(info.schema, getNamedType(field.type))) walk(selection.selectionSet, inner, info, into, spread);
      }
    } else {
      // A fragment's fields are those of its type condition (the enclosing type without one);
      // a named fragment is walked once per type it is spread on.
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : info.fragments[selection.name.value];
      if (fragment === undefined) continue;
      const condition = fragment.typeCondition ? info.schema.getType(fragment.typeCondition.name.value) : type;
      for (const on of condition ? objectTypes(info.schema, condition) : []) {
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const key = `${selection.name.value} ${on.name}`;
          if (spread.has(key)) continue;
          spread.add(key);
        }
        walk(fragment.selectionSet, on, info, into, spread);
      }
    }
  }
}

/** The object types a selection on `type` may run on: itself, or an abstract type's possible types. */
function objectTypes(schema: GraphQLSchema, type: GraphQLNamedType): readonly GraphQLObjectType[] {
  return isObjectType(type) ? [type] : isAbstractType(type) ? schema.getPossibleTypes(type) : [];
}
