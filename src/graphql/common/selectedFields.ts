import {
  GraphQLIncludeDirective, GraphQLSkipDirective, getDirectiveValues, Kind,
  type FieldNode, type GraphQLResolveInfo, type SelectionSetNode,
} from "graphql";

/**
 * The names of the fields selected under the resolving field, `path` (field names, not aliases)
 * levels down: through aliases, named and inline fragments, and `@skip`/`@include` as the
 * request's variables decide them. A type condition is not checked: a field of a fragment on
 * another type is counted, so the answer may name more than will run, never less. For reading
 * ahead only (which nested rows to fetch with their parents); it decides nothing about access.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[] = []): Set<string> {
  const included = (node: FieldNode | Parameters<typeof getDirectiveValues>[1]) =>
    !node.directives?.length ||
    (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if !== true &&
      getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false);

  const fieldsOf = (sets: readonly (SelectionSetNode | undefined)[]): FieldNode[] => {
    const fields: FieldNode[] = [];
    const seen = new Set<string>();
    const walk = (set: SelectionSetNode | undefined) => {
      for (const selection of set?.selections ?? []) {
        if (!included(selection)) continue;
        if (selection.kind === Kind.FIELD) fields.push(selection);
        else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
        else if (!seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          walk(info.fragments[selection.name.value]?.selectionSet);
        }
      }
    };
    for (const set of sets) walk(set);
    return fields;
  };

  let fields = fieldsOf(info.fieldNodes.map((node) => node.selectionSet));
  for (const name of path) fields = fieldsOf(fields.filter((f) => f.name.value === name).map((f) => f.selectionSet));
  return new Set(fields.map((f) => f.name.value));
}
