import { Kind, visit, type DocumentNode } from "graphql";
import { COST_ARGUMENT } from "./listCostEstimator.js";

const byDocument = new WeakMap<DocumentNode, readonly string[]>();

/**
 * The variables whose values can change an operation's cost or its count of selections: those
 * given to a `first` argument (the only argument listCostEstimator reads) and those of `@skip` and
 * `@include`, anywhere in the document (fragments included). Sorted, read once per parsed
 * document. Any other variable (an id, a filter) leaves the cost as it is, so the cost-limit
 * plugin computes it once per document and values of these alone.
 */
export function costVariables(document: DocumentNode): readonly string[] {
  let names = byDocument.get(document);
  if (names === undefined) {
    const found = new Set<string>();
    visit(document, {
      Argument(node, _key, _parent, _path, ancestors) {
        if (node.value.kind !== Kind.VARIABLE) return;
        // The argument list is the parent; the field or directive that owns it comes before it.
        const owner = ancestors.at(-1) as { kind?: string; name?: { value: string } } | undefined;
        const counts =
          owner?.kind === Kind.DIRECTIVE
            ? owner.name?.value === "skip" || owner.name?.value === "include"
            : node.name.value === COST_ARGUMENT;
        if (counts) found.add(node.value.name.value);
      },
    });
    names = [...found].sort();
    byDocument.set(document, names);
  }
  return names;
}
