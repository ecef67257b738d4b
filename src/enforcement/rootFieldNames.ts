import type { DocumentNode, OperationDefinitionNode, SelectionSetNode } from "graphql";
import { fragmentsOf } from "./fragmentsOf.js";

/** By operation node: Apollo keeps parsed documents, so a repeated operation is walked once. */
const byOperation = new WeakMap<OperationDefinitionNode, readonly string[]>();

/**
 * The names (never the aliases) of an operation's root fields, through root-level fragments and
 * inline fragments, in document order with repeats. Once the operation has validated, each is a
 * field of the schema's root type: text the schema defines, never text the client chose.
 */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): readonly string[] {
  let names = byOperation.get(operation);
  if (names === undefined) byOperation.set(operation, (names = walk(operation, document)));
  return names;
}

function walk(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = fragmentsOf(document);
  const seen = new Set<string>();
  const namesIn = (selectionSet: SelectionSetNode): string[] =>
    selectionSet.selections.flatMap((s) => {
      if (s.kind === "Field") return [s.name.value];
      if (s.kind === "InlineFragment") return namesIn(s.selectionSet);
      const fragment = fragments[s.name.value];
      if (!fragment || seen.has(s.name.value)) return [];
      seen.add(s.name.value);
      return namesIn(fragment.selectionSet);
    });
  return namesIn(operation.selectionSet);
}
