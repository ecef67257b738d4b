import type { DocumentNode, FragmentDefinitionNode } from "graphql";

/** A document's fragment definitions by name (no prototype: a spread named `constructor` finds nothing it did not define). */
export function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const d of document.definitions) if (d.kind === "FragmentDefinition") fragments[d.name.value] = d;
  return fragments;
}
