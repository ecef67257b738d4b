import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import { isIncluded } from "../../enforcement/isIncluded.js";

/**
 * The names of the fields selected under the resolving field, `path` (field names, not aliases)
 * levels down: through aliases, named and inline fragments, and `@skip`/`@include` as the
 * request's variables decide them. A type condition is not checked: a field of a fragment on
 * another type is counted, so the answer may name more than will run, never less. For reading
 * ahead only (which nested rows to fetch with their parents); it decides nothing about access.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[] = []): Set<string> {
  let fields: FieldNode[] = [];
  const seenFirst = new Set<string>();
  for (const node of info.fieldNodes) collect(node.selectionSet, info, fields, seenFirst);
  for (const name of path) {
    const next: FieldNode[] = [];
    const seen = new Set<string>();
    for (const field of fields) if (field.name.value === name) collect(field.selectionSet, info, next, seen);
    fields = next;
  }
  return new Set(fields.map((f) => f.name.value));
}

// Module-level functions rather than closures: `customer(id:)` reads ahead once per alias, and a
// closure made per call costs an allocation (and, under tsx, a naming call) each time.

/** The fields of a selection set, fragments spread (each named fragment once), into `into`. */
function collect(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, into: FieldNode[], seen: Set<string>): void {
  if (set === undefined) return;
  for (const selection of set.selections) {
    if (!isIncluded(selection, info.variableValues)) continue;
    if (selection.kind === Kind.FIELD) into.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, info, into, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      collect(info.fragments[selection.name.value]?.selectionSet, info, into, seen);
    }
  }
}
