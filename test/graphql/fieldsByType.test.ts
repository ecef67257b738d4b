/**
 * fieldsByType names, for each object type, the fields an operation selects on it anywhere (the
 * columns a folded read fetches follow from it: a field it missed would answer null). Compared
 * with the (type, field) pairs graphql-js actually resolves, over generated operations: fields
 * placed directly, in inline and named fragments, reached by two paths, aliased, under
 * `@skip`/`@include` on variables and literals.
 */
import fc from "fast-check";
import { buildSchema, defaultFieldResolver, execute, parse, type GraphQLResolveInfo } from "graphql";
import { describe, expect, it } from "vitest";
import { fieldsByType, type FieldsByType } from "../../src/graphql/common/fieldsByType.js";

const schema = buildSchema(`
  type Query { page: Page }
  type Page { edges: [Edge] first: Node total: Int }
  type Edge { node: Node cursor: String }
  type Node { id: ID a: Int b: Int c: Int inner: Inner }
  type Inner { x: Int y: Int }
`);

const inner = { x: 1, y: 2 };
const node = { id: "n", a: 1, b: 2, c: 3, inner };

/** Runs the operation; returns what fieldsByType predicted (read at `page`) and the pairs that resolved. */
function predictAndRun(query: string, variables: Record<string, unknown>) {
  let predicted: FieldsByType = new Map();
  const resolved = new Set<string>();
  const rootValue = {
    page: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
      predicted = fieldsByType(info);
      expect(fieldsByType(info)).toBe(predicted); // one walk per request
      return { edges: [{ node, cursor: "x" }], first: node, total: 1 };
    },
  };
  const fieldResolver = (source: unknown, args: Record<string, unknown>, ctx: unknown, info: GraphQLResolveInfo) => {
    resolved.add(`${info.parentType.name}.${info.fieldName}`);
    return defaultFieldResolver(source, args, ctx, info);
  };
  const result = execute({ schema, document: parse(query), rootValue, variableValues: variables, fieldResolver }) as { errors?: unknown };
  expect(result.errors).toBeUndefined();
  const pairs = [...predicted].flatMap(([type, fields]) => [...fields].filter((f) => f !== "__typename").map((f) => `${type}.${f}`));
  return { predicted: pairs.sort(), resolved: [...resolved].sort() };
}

describe("fieldsByType", () => {
  it("names every field selected on each type, through aliases, fragments and both paths", () => {
    const { predicted } = predictAndRun(
      `{ page { total edges { node { id ...F } } first { b ... on Node { inner { y } } } } }
      fragment F on Node { a inner { x } }`,
      {},
    );
    expect(predicted).toEqual([
      "Edge.node",
      "Inner.x",
      "Inner.y",
      "Node.a",
      "Node.b",
      "Node.id",
      "Node.inner",
      "Page.edges",
      "Page.first",
      "Page.total",
      "Query.page",
    ]);
  });

  it("counts a selection on an interface or a union for each possible type: more than will run, never less", () => {
    const abstract = buildSchema(`
      type Query { named: [Named] either: [Either] }
      interface Named { name: String }
      type A implements Named { name: String a: Int }
      type B implements Named { name: String b: Int }
      union Either = A | B
    `);
    let predicted: FieldsByType = new Map();
    const resolved = new Set<string>();
    const items = [
      { __typename: "A", name: "a", a: 1 },
      { __typename: "B", name: "b", b: 2 },
    ];
    const fieldResolver = (source: unknown, args: Record<string, unknown>, ctx: unknown, info: GraphQLResolveInfo) => {
      if (info.parentType.name === "Query") predicted = fieldsByType(info);
      else resolved.add(`${info.parentType.name}.${info.fieldName}`);
      return info.parentType.name === "Query" ? items : defaultFieldResolver(source, args, ctx, info);
    };
    const result = execute({
      schema: abstract,
      fieldResolver,
      rootValue: {},
      document: parse(`{ named { name ... on A { a } } either { ... on B { b } ...OnA } } fragment OnA on A { name }`),
    }) as { errors?: unknown };
    expect(result.errors).toBeUndefined();
    const pairs = new Set([...predicted].flatMap(([type, fields]) => [...fields].map((f) => `${type}.${f}`)));
    for (const pair of resolved) expect(pairs, pair).toContain(pair);
    expect([...pairs].sort()).toEqual(["A.a", "A.name", "B.b", "B.name", "Query.either", "Query.named"]);
  });

  it("agrees with graphql-js on generated operations under @skip and @include", () => {
    const directive = fc.constantFrom(
      "",
      "@skip(if: $s)",
      "@include(if: $s)",
      "@skip(if: true)",
      "@include(if: false)",
      "@include(if: true)",
    );
    const nodeField = fc.constantFrom("id", "a", "b", "c", "inner { x }", "inner { y }");
    const placement = fc.record({
      field: nodeField,
      path: fc.constantFrom("edges { node", "first"),
      where: fc.constantFrom("direct", "inline", "named"),
      on: directive,
      alias: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(placement, { minLength: 1, maxLength: 6 }), directive, fc.boolean(), (placements, spreadDirective, s) => {
        const text = (p: (typeof placements)[number], i: number) =>
          `${p.alias ? `x${i}: ` : ""}${p.field.replace(" {", ` ${p.on} {`)}${p.field.includes("{") ? "" : ` ${p.on}`}`;
        const under = (path: string) => {
          const here = placements.map((p, i) => [p, i] as const).filter(([p]) => p.path === path);
          const direct = here
            .map(([p, i]) => (p.where === "direct" ? text(p, i) : p.where === "inline" ? `... ${p.on} { ${p.field} }` : ""))
            .filter(Boolean)
            .join(" ");
          const named = here.some(([p]) => p.where === "named") ? `...F ${spreadDirective}` : "";
          const close = path.includes("{") ? " }" : "";
          return `${path} { __typename ${direct} ${named} }${close}`;
        };
        const named = placements
          .map((p, i) => (p.where === "named" ? text(p, i) : ""))
          .filter(Boolean)
          .join(" ");
        const query = `query Q($s: Boolean!) { page { ${under("edges { node")} ${under("first")} } }
        ${named ? `fragment F on Node { ${named} }` : ""}`;
        const { predicted, resolved } = predictAndRun(query, { s });
        expect(predicted).toEqual(resolved);
      }),
      { seed: 20261205, numRuns: 500 },
    );
  });
});
