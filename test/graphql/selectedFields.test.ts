/**
 * selectedFields names the fields selected under a resolving field as graphql-js will execute
 * them: through aliases, named and inline fragments, nested paths, and `@skip`/`@include` decided
 * by the request's variables. Compared with the fields graphql-js actually resolved, over
 * generated selections.
 */
import fc from "fast-check";
import { buildSchema, execute, parse, type GraphQLResolveInfo } from "graphql";
import { describe, expect, it } from "vitest";
import { selectedFields } from "../../src/graphql/common/selectedFields.js";

const schema = buildSchema(`
  type Query { page: Page }
  type Page { edges: [Edge] total: Int }
  type Edge { node: Node cursor: String }
  type Node { id: ID a: Int b: Int c: Int d: Int }
`);
const NODE_FIELDS = ["id", "a", "b", "c", "d"] as const;

/** Runs the operation; returns what selectedFields predicted at `page` for edges.node, and the node fields that resolved. */
function predictAndRun(query: string, variables: Record<string, unknown>) {
  let predicted = new Set<string>();
  const resolved = new Set<string>();
  const node = Object.fromEntries(
    NODE_FIELDS.map((f) => [
      f,
      () => {
        resolved.add(f);
        return 1;
      },
    ]),
  );
  const rootValue = {
    page: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
      predicted = selectedFields(info, ["edges", "node"]);
      return { edges: [{ node, cursor: "x" }], total: 1 };
    },
  };
  const result = execute({ schema, document: parse(query), rootValue, variableValues: variables }) as { errors?: unknown };
  expect(result.errors).toBeUndefined();
  return { predicted, resolved };
}

describe("selectedFields", () => {
  it("names the fields a path leads to, through aliases and fragments", () => {
    const { predicted } = predictAndRun(
      `{ page { total edges { cursor n: node { id ...F ... on Node { b } } } } }
      fragment F on Node { a ... { c } }`,
      {},
    );
    expect([...predicted].sort()).toEqual(["a", "b", "c", "id"]);
  });

  it("agrees with graphql-js on generated selections under @skip and @include", () => {
    // A node field placed directly, in an inline fragment or in a named fragment, maybe under a
    // directive on a variable or a literal; the fragment spread itself maybe under one too.
    const directive = fc.constantFrom(
      "",
      "@skip(if: $s)",
      "@include(if: $s)",
      "@skip(if: true)",
      "@include(if: false)",
      "@include(if: true)",
    );
    const placement = fc.record({
      field: fc.constantFrom(...NODE_FIELDS),
      where: fc.constantFrom("direct", "inline", "named"),
      on: directive,
      alias: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(placement, { minLength: 1, maxLength: 6 }), directive, fc.boolean(), (placements, spreadDirective, s) => {
        const text = (p: (typeof placements)[number], i: number) => `${p.alias ? `x${i}: ` : ""}${p.field} ${p.on}`;
        const direct = placements
          .map((p, i) => (p.where === "direct" ? text(p, i) : p.where === "inline" ? `... ${p.on} { ${p.field} }` : ""))
          .filter(Boolean)
          .join(" ");
        const named = placements
          .map((p, i) => (p.where === "named" ? text(p, i) : ""))
          .filter(Boolean)
          .join(" ");
        const query = `query Q($s: Boolean!) { page { edges { node { __typename ${direct} ${named ? `...F ${spreadDirective}` : ""} } } } }
        ${named ? `fragment F on Node { ${named} }` : ""}`;
        const { predicted, resolved } = predictAndRun(query, { s });
        predicted.delete("__typename");
        expect([...predicted].sort()).toEqual([...resolved].sort());
      }),
      { seed: 20261205, numRuns: 500 },
    );
  });
});
