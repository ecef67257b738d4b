import fc from "fast-check";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { getIntrospectionQuery, parse, specifiedRules, validate, type ValidationRule } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { ConfigError, loadConfig } from "../../src/server/config.js";
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from "../../src/server/limits/QueryLimits.js";
import { queryLimitRules } from "../../src/server/limits/queryLimitRules.js";
import { expectNoInternals } from "../helpers/expectNoInternals.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

/**
 * Each query limit over real HTTP, with small limits so that the boundary is exact: at the limit
 * the operation runs, one past it is refused with 400 QUERY_LIMIT_EXCEEDED naming the limit, and
 * no SQL statement is issued. The boundaries are generated (fast-check, fixed seed).
 */

const LIMITS: QueryLimits = { maxDepth: 6, maxAliases: 4, maxFields: 40, maxTokens: 150, maxDirectives: 5, maxCost: 5_000 };
const ENV = {
  MAX_DEPTH: String(LIMITS.maxDepth),
  MAX_ALIASES: String(LIMITS.maxAliases),
  MAX_FIELDS: String(LIMITS.maxFields),
  MAX_TOKENS: String(LIMITS.maxTokens),
  MAX_DIRECTIVES: String(LIMITS.maxDirectives),
  MAX_COST: String(LIMITS.maxCost),
};
const SEED = 20261125;
const PURPOSE = "@purpose(name: CUSTOMER_SUPPORT)";

let gw: TestGateway;
let staff: Record<string, string>;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 5, env: ENV });
  staff = bearer(await gw.token("support_agent"));
});
afterAll(async () => {
  await gw?.close();
});

interface Outcome {
  status: number;
  body: any;
  statements: number;
}

async function send(query: string, variables?: Record<string, unknown>): Promise<Outcome> {
  const before = gw.database.statements;
  const res = await gw.post({ query, variables }, staff);
  return { status: res.status, body: res.body, statements: gw.database.statements - before };
}

function expectLimit(outcome: Outcome, limit: string) {
  expect(outcome.status, JSON.stringify(outcome.body)).toBe(400);
  const error = outcome.body.errors.find((e: any) => e.extensions?.code === "QUERY_LIMIT_EXCEEDED");
  expect(error, JSON.stringify(outcome.body)).toBeDefined();
  expect(error.extensions.limit).toBe(limit);
  expect(error.extensions.max).toBe(LIMITS[`max${limit[0]!.toUpperCase()}${limit.slice(1)}` as keyof QueryLimits]);
  expect(error.message).toMatch(new RegExp(`limit of ${error.extensions.max} \\(${limit}\\)`));
  expect(outcome.body.data ?? null).toBeNull();
  expectNoInternals(JSON.stringify(outcome.body));
  expect(outcome.statements).toBe(0);
}

function expectAdmitted(outcome: Outcome) {
  const codes = (outcome.body.errors ?? []).map((e: any) => e.extensions?.code);
  expect(codes, JSON.stringify(outcome.body)).not.toContain("QUERY_LIMIT_EXCEEDED");
  expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
}

/** `__type(name: "Customer")` with `n` nested `ofType`: depth n + 2, a valid document at any depth. */
const ofTypeChain = (n: number) => `${"ofType { ".repeat(n)}name${" }".repeat(n)}`;
const deepIntrospection = (depth: number) => `{ __type(name: "Customer") { ${ofTypeChain(depth - 2)} } }`;

describe("depth", () => {
  it("admits an operation at the limit and refuses one past it, generated depths", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: LIMITS.maxDepth + 6 }), async (depth) => {
        const outcome = await send(deepIntrospection(depth));
        if (depth <= LIMITS.maxDepth) expectAdmitted(outcome);
        else expectLimit(outcome, "depth");
      }),
      { seed: SEED, numRuns: 12 },
    );
  });

  it("counts a data operation's depth (customers > edges > node > profile > address > city is 6)", async () => {
    expectAdmitted(await send(`query Q ${PURPOSE} { customers(first: 1) { edges { node { profile { address { city } } } } } }`));
    const seven = await send(
      `query Q ${PURPOSE} { customers(first: 1) { edges { node { paymentMethods { billingAddress { city } } profile { address { city } } } } } }`,
    );
    expectAdmitted(seven); // still 6: depth is the deepest path, not the sum
  });

  it("counts through named and inline fragments without counting the spread itself as a level", async () => {
    const viaFragments = `query Q { __type(name: "Customer") { ...A } } fragment A on __Type { ofType { ... on __Type { ofType { ...B } } } } fragment B on __Type { ofType { ofType { name } } }`;
    expectAdmitted(await send(viaFragments)); // __type, ofType x4, name: 6
    expectLimit(await send(viaFragments.replace("{ name }", "{ ofType { name } }")), "depth");
  });
});

describe("graphql-armor's depth bypasses through `__schema` are closed", () => {
  let schema: Awaited<ReturnType<typeof buildGatewaySchema>>;
  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  /** Limit errors a set of rules reports for a document (validated as Apollo does, with graphql's own rules). */
  const depthRefusals = (query: string, rules: ValidationRule[]) =>
    validate(schema, parse(query), [...specifiedRules, ...rules]).filter((e) => /depth/i.test(e.message));
  const armorDefaults = () =>
    new ApolloArmor({
      maxDepth: { n: LIMITS.maxDepth },
      costLimit: { enabled: false },
      maxAliases: { enabled: false },
      maxDirectives: { enabled: false },
      maxTokens: { enabled: false },
    }).protect().validationRules as ValidationRule[];

  // graphql-js's own MaxIntrospectionDepthRule stops `fields { type { fields ...` cycles, not
  // `ofType` chains: under `__schema` those nest without bound unless armor measures them.
  const introspectionBomb = `{ __schema { types { ${ofTypeChain(LIMITS.maxDepth * 3)} } } }`;

  it("reproduction: with armor's defaults (ignoreIntrospection) a `__schema` field is not measured at all", () => {
    expect(depthRefusals(introspectionBomb, armorDefaults())).toEqual([]);
    expect(depthRefusals(introspectionBomb, queryLimitRules(LIMITS))).toHaveLength(1);
  });

  it("a deep `__schema` selection is refused over HTTP, before execution", async () => {
    expectLimit(await send(introspectionBomb), "depth");
  });

  it("a fragment named `__schema` does not escape the count", async () => {
    const query = `query Q { __type(name: "Customer") { ...__schema } } fragment __schema on __Type { ${ofTypeChain(LIMITS.maxDepth)} }`;
    expect(depthRefusals(query, queryLimitRules(LIMITS))).toHaveLength(1);
    const outcome = await send(query);
    expect(outcome.status).toBe(400);
    expect(outcome.statements).toBe(0);
    expect(outcome.body.errors.map((e: any) => e.extensions.code)).toContain("QUERY_LIMIT_EXCEEDED");
  });

  it("an alias named `__schema` does not escape the count", async () => {
    expectLimit(await send(`{ __schema: __type(name: "Customer") { ${ofTypeChain(LIMITS.maxDepth)} } }`), "depth");
    expectLimit(
      await send(
        `query Q ${PURPOSE} { __schema: customers(first: 1) { edges { node { profile { address { __schema: city } } } } } __type(name: "Customer") { ${ofTypeChain(LIMITS.maxDepth)} } }`,
      ),
      "depth",
    );
  });

  it("a `__type` or `__schema` field nested under data is refused (unknown field, and measured)", async () => {
    const outcome = await send(
      `query Q ${PURPOSE} { customers(first: 1) { edges { node { __schema { types { fields { type { ofType { name } } } } } } } } }`,
    );
    expect(outcome.status).toBe(400);
    expect(outcome.statements).toBe(0);
    const codes = outcome.body.errors.map((e: any) => e.extensions.code);
    expect(codes).toContain("QUERY_LIMIT_EXCEEDED");
    expect(codes).toContain("GRAPHQL_VALIDATION_FAILED");
  });

  it("the standard introspection query fits the default limits", () => {
    const errors = validate(
      schema,
      parse(getIntrospectionQuery({ descriptions: true, directiveIsRepeatable: true, specifiedByUrl: true, inputValueDeprecation: true })),
      [...specifiedRules, ...queryLimitRules(DEFAULT_QUERY_LIMITS)],
    );
    expect(errors).toEqual([]);
  });
});

describe("aliases", () => {
  const aliased = (n: number) =>
    `query Q ${PURPOSE} { ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(" ")} customers(first: 1) { totalCount } }`;

  it("admits the limit and refuses one more, generated counts (`__typename` aliases count too)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: LIMITS.maxAliases + 5 }), async (n) => {
        const outcome = await send(aliased(n));
        if (n <= LIMITS.maxAliases) expectAdmitted(outcome);
        else expectLimit(outcome, "aliases");
      }),
      { seed: SEED, numRuns: 10 },
    );
  });

  it("counts aliases inside a fragment once per spread", async () => {
    const query = (spreads: number) =>
      `query Q ${PURPOSE} { ${"...F ".repeat(spreads)} } fragment F on Query { x: __typename y: __typename }`;
    expectAdmitted(await send(query(2)));
    expectLimit(
      await send(
        `query Q ${PURPOSE} { ...F ...G } fragment F on Query { x: __typename y: __typename } fragment G on Query { x: __typename y: __typename z: __typename }`,
      ),
      "aliases",
    );
  });
});

describe("directives", () => {
  const directed = (n: number) =>
    `query Q ${PURPOSE} { customers(first: 1) { totalCount ${"totalCount @include(if: true) ".repeat(n - 1)} } }`;

  it("counts the operation's own @purpose; admits the limit and refuses one more, generated counts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: LIMITS.maxDirectives + 4 }), async (n) => {
        const outcome = await send(directed(n));
        if (n <= LIMITS.maxDirectives) expectAdmitted(outcome);
        else expectLimit(outcome, "directives");
      }),
      { seed: SEED, numRuns: 9 },
    );
  });
});

describe("fields", () => {
  it("counts selections through every fragment expansion: a fragment that doubles itself is refused at once", async () => {
    const levels = 12; // 2^12 selections if walked naively; the attack corpus goes to the default token limit
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`).join(" ");
    const outcome = await send(`query Q ${PURPOSE} { ...F${levels} } fragment F0 on Query { __typename } ${fragments}`);
    expectLimit(outcome, "fields");
  });

  it("admits up to the limit and refuses past it, generated counts", async () => {
    // `customers(first: 1) { totalCount ... }`: the root field, then n leaves under it.
    const query = (leaves: number) =>
      `query Q ${PURPOSE} { customers(first: 1) { ${Array.from({ length: leaves }, () => "totalCount").join(" ")} } }`;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: LIMITS.maxFields + 5 }), async (leaves) => {
        const outcome = await send(query(leaves));
        if (leaves + 1 <= LIMITS.maxFields) expectAdmitted(outcome);
        else expectLimit(outcome, "fields");
      }),
      { seed: SEED, numRuns: 10, examples: [[LIMITS.maxFields - 1], [LIMITS.maxFields]] },
    );
  });
});

describe("tokens", () => {
  it("refuses a document of more tokens than the limit before authentication; comments are not tokens", async () => {
    const padded = (tokens: number) => `{ ${Array.from({ length: tokens - 2 }, () => "__typename").join(" ")} }`;
    expectAdmitted(await send(`# ${"x".repeat(5_000)}\nquery Q ${PURPOSE} { customers(first: 1) { totalCount } }`));
    const before = gw.database.statements;
    const anonymous = await gw.post({ query: padded(LIMITS.maxTokens + 1) });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.errors[0].extensions).toEqual({ code: "QUERY_LIMIT_EXCEEDED", limit: "tokens", max: LIMITS.maxTokens });
    expect(gw.database.statements).toBe(before);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3, max: LIMITS.maxTokens + 20 }), async (tokens) => {
        const outcome = await send(padded(tokens));
        if (tokens <= LIMITS.maxTokens) expect(outcome.body.errors?.[0]?.extensions?.limit).not.toBe("tokens");
        else expectLimit(outcome, "tokens");
      }),
      { seed: SEED, numRuns: 10, examples: [[LIMITS.maxTokens], [LIMITS.maxTokens + 1]] },
    );
  });

  it("applies to a GET query string as well", async () => {
    const url = new URL(gw.url);
    url.searchParams.set("query", `{ ${"__typename ".repeat(LIMITS.maxTokens)} }`);
    const res = await fetch(url, { headers: staff });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.limit).toBe("tokens");
  });
});

describe("cost: lists cost by `first`", () => {
  const page = `query Q($n: Int!, $v: Int!) ${PURPOSE} { customers(first: $n) { edges { node { id visits(first: $v) { id } } } } }`;
  // edges/node/id: 1 + 1 + 1 + visits (1 + 1) * v ... the exact figure is listCostEstimator's; the property is monotone.

  it("reads `first` from variables: the same document is admitted small and refused large", async () => {
    expectAdmitted(await send(page, { n: 2, v: 2 }));
    const refused = await send(page, { n: 50, v: 50 });
    expectLimit(refused, "cost");
    expect(refused.body.errors[0].extensions.found).toBeGreaterThan(LIMITS.maxCost);
  });

  it("judges each request by its own `first`, the same document in alternation (costs are kept per document and `first`)", async () => {
    for (const [n, v] of [
      [2, 2],
      [50, 50],
      [2, 2],
      [50, 50],
      [3, 3],
    ] as const) {
      const outcome = await send(page, { n, v });
      if (n === 50) expectLimit(outcome, "cost");
      else expectAdmitted(outcome);
    }
  });

  it("an @include variable decides whether the expensive part counts, the same document in alternation", async () => {
    const toggled = `query T($deep: Boolean!, $id: ID!) ${PURPOSE} { customer(id: $id) { id } customers(first: 100) @include(if: $deep) { edges { node { visits(first: 100) { id } } } } }`;
    const [id] = (await send(`query I ${PURPOSE} { customers(first: 1) { edges { node { id } } } }`)).body.data.customers.edges.map(
      (e: any) => e.node.id,
    );
    for (const deep of [false, true, false, true]) {
      const outcome = await send(toggled, { deep, id });
      if (deep) expectLimit(outcome, "cost");
      else expectAdmitted(outcome);
    }
  });

  it("refuses a nested `first: 100000` before any SQL", async () => {
    expectLimit(await send(`query Q ${PURPOSE} { customers(first: 100000) { edges { node { visits(first: 100000) { id } } } } }`), "cost");
  });

  it("a negative `first` costs as 1, never less: it cannot pay for a sibling", async () => {
    const sibling = `b: customers(first: 70) { edges { node { visits(first: 40) { id } } } }`; // (1 + 1 + 1 + 2 * 40) * 70
    const alone = await send(`query Q ${PURPOSE} { ${sibling} }`);
    expectLimit(alone, "cost");
    const withNegative = await send(`query Q ${PURPOSE} { a: customers(first: -100000000) { totalCount } ${sibling} }`);
    expectLimit(withNegative, "cost");
    expect(withNegative.body.errors[0].extensions.found).toBeGreaterThan(alone.body.errors[0].extensions.found);
  });

  it("cost grows with `first`: generated sizes are admitted exactly while the cost is within the limit", async () => {
    let admittedMax = 0;
    let refusedMin = Infinity;
    // (1 + 1 + 1 + 1 + 2 + 2 * 5) * n: refused from n = 313 on, below the page cap of 500.
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 500 }), async (n) => {
        const outcome = await send(
          `query Q($n: Int!) ${PURPOSE} { customers(first: $n) { edges { node { id profile { fullName } visits(first: 5) { id } } } } }`,
          { n },
        );
        const refused = outcome.body.errors?.some((e: any) => e.extensions?.limit === "cost");
        if (refused) {
          expectLimit(outcome, "cost");
          refusedMin = Math.min(refusedMin, n);
        } else {
          expectAdmitted(outcome);
          admittedMax = Math.max(admittedMax, n);
        }
      }),
      { seed: SEED, numRuns: 12, examples: [[1], [312], [313], [500]] },
    );
    expect(admittedMax).toBeLessThan(refusedMin);
    expect(refusedMin).toBeLessThan(Infinity);
  });
});

describe("configuration", () => {
  it("reads each limit from the environment, with documented defaults", () => {
    expect(loadConfig({}).queryLimits).toEqual(DEFAULT_QUERY_LIMITS);
    expect(loadConfig(ENV).queryLimits).toEqual(LIMITS);
    expect(gw.config.queryLimits).toEqual(LIMITS);
  });

  it.each(["MAX_DEPTH", "MAX_ALIASES", "MAX_FIELDS", "MAX_TOKENS", "MAX_DIRECTIVES", "MAX_COST"])("refuses a bad %s, naming it", (name) => {
    expect(() => loadConfig({ [name]: "lots" })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: "-1" })).toThrow(new RegExp(`^${name}:`));
  });
});
