import fc from "fast-check";
import { Lexer, Source, TokenKind } from "graphql";
import { eq, ne } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../src/db/schema/index.js";
import { DEFAULT_QUERY_LIMITS } from "../../src/server/limits/QueryLimits.js";
import { expectNoInternals } from "../helpers/expectNoInternals.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { admin } from "../partners/support.js";

/**
 * Hostile requests over real HTTP against the default configuration: every one is refused with
 * the expected HTTP status and code, without internals, and without a single SQL statement
 * (the driver-boundary counter of src/db/client.ts; callers authenticate by JWT, which reads no
 * table). Floods of depth, aliases and directives are generated (fast-check, fixed seed). Last,
 * id enumeration: a subject the caller may not see answers exactly like an id that does not exist.
 */

const SEED = 5_2026;
const LIMITS = DEFAULT_QUERY_LIMITS;
const PURPOSE = "@purpose(name: CUSTOMER_SUPPORT)";

let gw: TestGateway;
let staff: Record<string, string>;
let customer: Record<string, string>;

beforeAll(async () => {
  gw = await startTestGateway({ customers: 30 });
  staff = bearer(await gw.token("support_agent"));
  const [row] = await gw.database.db
    .select({ id: tables.customers.id })
    .from(tables.customers)
    .where(eq(tables.customers.status, "active"))
    .limit(1);
  customer = bearer(await gw.token("customer", row!.id));
  // Authentication looks a customer id up once per process (UNKNOWN_SUBJECT); the corpus counts what runs after it.
  await gw.post({ query: "{ __typename }" }, customer);
});
afterAll(async () => {
  await gw?.close();
});

interface Reply {
  status: number;
  text: string;
  body: any;
}

async function raw(init: { method?: string; headers?: Record<string, string>; body?: string; search?: string }): Promise<Reply> {
  const url = new URL(gw.url);
  if (init.search) url.search = init.search;
  const res = await fetch(url, { method: init.method ?? "POST", headers: init.headers, body: init.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: res.status, text, body };
}

const postJson = (body: unknown, headers: Record<string, string> = staff) =>
  raw({ headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

interface Expected {
  status: number;
  code: string;
  limit?: string | readonly string[];
}

/** Sends, then checks status, code (and limit), no data, no internals, and zero SQL statements. */
async function expectRefused(send: () => Promise<Reply>, expected: Expected): Promise<Reply> {
  const before = gw.database.statements;
  const reply = await send();
  const statements = gw.database.statements - before;
  expect(reply.status, reply.text.slice(0, 500)).toBe(expected.status);
  expect(Array.isArray(reply.body?.errors), reply.text.slice(0, 500)).toBe(true);
  const error = reply.body.errors.find((e: any) => e.extensions?.code === expected.code);
  expect(error, reply.text.slice(0, 500)).toBeDefined();
  if (expected.limit !== undefined) expect([expected.limit].flat()).toContain(error.extensions.limit);
  expect(reply.body.data ?? null).toBeNull();
  expect(reply.text.length).toBeLessThan(20_000);
  expectNoInternals(reply.text);
  expect(statements, `SQL statements for a refused request`).toBe(0);
  return reply;
}

const tokensOf = (query: string) => {
  const lexer = new Lexer(new Source(query));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
};

/** The expected limit of a generated flood: its own, unless it is also over the token limit (checked first). */
const floodLimit = (query: string, own: string) => (tokensOf(query) > LIMITS.maxTokens ? "tokens" : own);

const ofTypeChain = (n: number) => `${"ofType { ".repeat(n)}name${" }".repeat(n)}`;

it("the baseline: a well-formed request runs and issues SQL (the counter counts)", async () => {
  const before = gw.database.statements;
  const reply = await postJson({ query: `query Q ${PURPOSE} { customers(first: 2) { totalCount } }` });
  expect(reply.status).toBe(200);
  expect(reply.body.data.customers.totalCount).toBeGreaterThan(0);
  expect(gw.database.statements).toBeGreaterThan(before);
});

describe("the corpus", () => {
  const bigQuery = (pad: number) => `# ${"x".repeat(pad)}\nquery Q ${PURPOSE} { customers(first: 1) { totalCount } }`;
  const doubling = (levels: number) =>
    `query Q ${PURPOSE} { ...F${levels} } fragment F0 on Query { __typename } ${Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`).join(" ")}`;

  const corpus: Array<[string, () => Promise<Reply>, Expected]> = [
    [
      "deep nesting through introspection (ofType x 40)",
      () => postJson({ query: `{ __type(name: "Customer") { ${ofTypeChain(40)} } }` }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "depth" },
    ],
    [
      "deep nesting under `__schema` (armor's ignoreIntrospection hole)",
      () => postJson({ query: `{ __schema { types { ${ofTypeChain(30)} } } }` }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "depth" },
    ],
    [
      "deep nesting inside a fragment named `__schema`",
      () => postJson({ query: `{ __type(name: "Customer") { ...__schema } } fragment __schema on __Type { ${ofTypeChain(30)} }` }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "depth" },
    ],
    [
      "deep nesting under an alias named `__schema`",
      () => postJson({ query: `{ __schema: __type(name: "Customer") { ${ofTypeChain(30)} } }` }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "depth" },
    ],
    [
      "the `fields { type { fields ... } }` introspection cycle",
      () => postJson({ query: `{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }` }),
      { status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
    ],
    [
      "a selection nested past the token limit (no parser recursion)",
      () => postJson({ query: `{ ${"a { ".repeat(5_000)}b${" }".repeat(5_000)} }` }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "tokens" },
    ],
    [
      "an alias flood of `__typename`",
      () => postJson({ query: `{ ${Array.from({ length: 400 }, (_, i) => `a${i}: __typename`).join(" ")} }` }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "aliases" },
    ],
    [
      "an alias flood of pages",
      () =>
        postJson({
          query: `query Q ${PURPOSE} { ${Array.from({ length: 150 }, (_, i) => `p${i}: customers(first: 500) { totalCount }`).join(" ")} }`,
        }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "aliases" },
    ],
    [
      "a fragment cycle",
      () => postJson({ query: `query Q ${PURPOSE} { ...A } fragment A on Query { ...B } fragment B on Query { ...A }` }),
      { status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
    ],
    [
      "a fragment that spreads itself",
      () => postJson({ query: `query Q ${PURPOSE} { customers(first: 1) { ...E } } fragment E on CustomerConnection { totalCount ...E }` }),
      { status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
    ],
    [
      "a fragment that doubles itself 150 times (2^150 selections)",
      () => postJson({ query: doubling(150) }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "fields" },
    ],
    [
      "a directive flood",
      () => postJson({ query: `query Q ${PURPOSE} { ${"__typename @include(if: true) ".repeat(200)} }` }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "directives" },
    ],
    [
      "the same directive repeated on one field",
      () => postJson({ query: `query Q ${PURPOSE} { __typename ${"@skip(if: false) ".repeat(50)} }` }),
      { status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
    ],
    [
      "a token flood",
      () => postJson({ query: `{ ${"__typename ".repeat(LIMITS.maxTokens + 1)} }` }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "tokens" },
    ],
    [
      "a cost bomb: nested `first: 100000`",
      () =>
        postJson({
          query: `query Q ${PURPOSE} { customers(first: 100000) { edges { node { visits(first: 100000) { id ipAddress } } } } }`,
        }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "cost" },
    ],
    [
      "a cost bomb through variables",
      () =>
        postJson({
          query: `query Q($n: Int!, $m: Int!) ${PURPOSE} { customers(first: $n) { edges { node { visits(first: $m) { id } } } } }`,
          variables: { n: 500, m: 1000 },
        }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "cost" },
    ],
    [
      "a cost bomb spread over aliases",
      () =>
        postJson({
          query: `query Q ${PURPOSE} { ${Array.from({ length: 20 }, (_, i) => `p${i}: customers(first: 500) { edges { node { accounts { id } paymentMethods { id } visits(first: 10) { id } } } }`).join(" ")} }`,
        }),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "cost" },
    ],
    [
      "a customer's cost bomb",
      () =>
        postJson(
          {
            query: `{ me { visits(first: 1000) { id } disclosures(first: 500) { at purpose } } a: customers(first: 500) { edges { node { visits(first: 1000) { id } } } } }`,
          },
          customer,
        ),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "cost" },
    ],
    [
      "a huge string literal beyond the body limit",
      () =>
        postJson({ query: `query Q ${PURPOSE} { customers(first: 1, filter: { residency: "${"x".repeat(200_000)}" }) { totalCount } }` }),
      { status: 413, code: "PAYLOAD_TOO_LARGE" },
    ],
    [
      "a huge variable beyond the body limit",
      () =>
        postJson({
          query: `query Q($r: String) ${PURPOSE} { customers(first: 1, filter: { residency: $r }) { totalCount } }`,
          variables: { r: "y".repeat(200_000) },
        }),
      { status: 413, code: "PAYLOAD_TOO_LARGE" },
    ],
    ["an oversized body of comments", () => postJson({ query: bigQuery(300_000) }), { status: 413, code: "PAYLOAD_TOO_LARGE" }],
    [
      "a batched array",
      () => postJson([{ query: `query Q ${PURPOSE} { customers(first: 1) { totalCount } }` }, { query: "{ __typename }" }]),
      { status: 400, code: "BAD_REQUEST" },
    ],
    ["a batched array of one", () => postJson([{ query: "{ __typename }" }]), { status: 400, code: "BAD_REQUEST" }],
    [
      "malformed JSON",
      () => raw({ headers: { "content-type": "application/json", ...staff }, body: `{"query": "{ __typename }"` }),
      { status: 400, code: "BAD_REQUEST" },
    ],
    [
      "a variable nested 50,000 deep",
      () =>
        raw({
          headers: { "content-type": "application/json", ...staff },
          body: `{"query":"query Q($v: ID!) @purpose(name: CUSTOMER_SUPPORT) { explainAccess(coordinate: \\"Profile.email\\", subjectId: $v) { effect } }","variables":{"v":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`,
        }),
      { status: 400, code: "BAD_USER_INPUT" },
    ],
    ["a JSON body that is a string", () => postJson("{ __typename }"), { status: 400, code: "BAD_REQUEST" }],
    [
      "text/plain (a CSRF-simple content type)",
      () => raw({ headers: { "content-type": "text/plain", ...staff }, body: JSON.stringify({ query: "{ __typename }" }) }),
      { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
    ],
    [
      "application/x-www-form-urlencoded",
      () => raw({ headers: { "content-type": "application/x-www-form-urlencoded", ...staff }, body: "query=%7B__typename%7D" }),
      { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
    ],
    [
      "multipart/form-data",
      () =>
        raw({
          headers: { "content-type": "multipart/form-data; boundary=x", ...staff },
          body: '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ __typename }\r\n--x--',
        }),
      { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
    ],
    [
      "application/graphql",
      () => raw({ headers: { "content-type": "application/graphql", ...staff }, body: "{ __typename }" }),
      { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
    ],
    [
      "a mutation over GET",
      () =>
        raw({
          method: "GET",
          headers: { ...staff, "apollo-require-preflight": "1" },
          search: `?query=${encodeURIComponent("mutation M { setConsent(purpose: MARKETING, granted: false) { granted } }")}`,
        }),
      { status: 405, code: "BAD_REQUEST" },
    ],
    [
      "PUT",
      () =>
        raw({
          method: "PUT",
          headers: { "content-type": "application/json", ...staff },
          body: JSON.stringify({ query: "{ __typename }" }),
        }),
      { status: 405, code: "METHOD_NOT_ALLOWED" },
    ],
    [
      "introspection mixed with data, to read the full schema",
      () => postJson({ query: `query Q ${PURPOSE} { customers(first: 1) { totalCount } __schema { types { name } } }` }),
      { status: 400, code: "BAD_REQUEST" },
    ],
    [
      "a limit flood without credentials is refused as such before authentication",
      () => postJson({ query: `{ ${"__typename ".repeat(LIMITS.maxTokens + 1)} }` }, {}),
      { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: "tokens" },
    ],
  ];

  it.each(corpus)("%s", async (_name, send, expected) => {
    await expectRefused(send, expected);
  });

  it("no suggestion for an unknown field, argument, type or enum value", async () => {
    for (const query of [
      `query Q ${PURPOSE} { customers(first: 1) { totalCont } }`,
      `query Q ${PURPOSE} { customers(frist: 1) { totalCount } }`,
      `query Q($f: CustomerFiltr) ${PURPOSE} { customers(first: 1, filter: $f) { totalCount } }`,
      `query Q @purpose(name: MARKETIN) { customers(first: 1) { totalCount } }`,
      `query Q ${PURPOSE} { customr(id: "x") { id } }`,
    ]) {
      const reply = await expectRefused(() => postJson({ query }), { status: 400, code: "GRAPHQL_VALIDATION_FAILED" });
      expect(reply.text).not.toMatch(/did you mean/i);
      for (const real of ["totalCount", '"first"', "CustomerFilter", "MARKETING", '"customer"', "customers"]) {
        if (!query.includes(real.replace(/"/g, ""))) expect(reply.text).not.toContain(real);
      }
    }
  });
});

describe("generated floods", () => {
  it("depth: any nesting past the limit, directly, in fragments or under `__schema` names, is refused without SQL", async () => {
    const shape = fc.record({
      depth: fc.integer({ min: LIMITS.maxDepth + 1, max: LIMITS.maxDepth + 40 }),
      via: fc.constantFrom("field", "fragment", "schemaFragment", "schemaAlias", "inline"),
    });
    await fc.assert(
      fc.asyncProperty(shape, async ({ depth, via }) => {
        const chain = ofTypeChain(depth - 2);
        const query = {
          field: `{ __type(name: "Customer") { ${chain} } }`,
          fragment: `{ __type(name: "Customer") { ...T } } fragment T on __Type { ${chain} }`,
          schemaFragment: `{ __type(name: "Customer") { ...__schema } } fragment __schema on __Type { ${chain} }`,
          schemaAlias: `{ __schema: __type(name: "Customer") { ${chain} } }`,
          inline: `{ __type(name: "Customer") { ... on __Type { ${chain} } } }`,
        }[via];
        await expectRefused(() => postJson({ query }), { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: floodLimit(query, "depth") });
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it("aliases: any flood past the limit, on any fields, through fragments or not, is refused without SQL", async () => {
    const shape = fc.record({
      count: fc.integer({ min: LIMITS.maxAliases + 1, max: LIMITS.maxAliases * 4 }),
      field: fc.constantFrom(
        "__typename",
        "customers(first: 1) { totalCount }",
        'explainAccess(coordinate: "Profile.email", subjectId: "00000000-0000-4000-8000-000000000000") { effect }',
      ),
      inFragment: fc.boolean(),
      name: fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,6}$/),
    });
    await fc.assert(
      fc.asyncProperty(shape, async ({ count, field, inFragment, name }) => {
        const aliases = Array.from({ length: count }, (_, i) => `${name}${i}: ${field}`).join(" ");
        const query = inFragment ? `query Q ${PURPOSE} { ...A } fragment A on Query { ${aliases} }` : `query Q ${PURPOSE} { ${aliases} }`;
        await expectRefused(() => postJson({ query }), { status: 400, code: "QUERY_LIMIT_EXCEEDED", limit: floodLimit(query, "aliases") });
      }),
      { seed: SEED, numRuns: 20 },
    );
  });

  it("directives: any flood past the limit, spread over fields and fragments, is refused without SQL", async () => {
    const shape = fc.record({
      count: fc.integer({ min: LIMITS.maxDirectives + 1, max: LIMITS.maxDirectives * 3 }),
      directive: fc.constantFrom("@include(if: true)", "@skip(if: false)", "@include(if: $yes)"),
      spreads: fc.integer({ min: 1, max: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(shape, async ({ count, directive, spreads }) => {
        const perSpread = Math.ceil(count / spreads);
        const body = Array.from({ length: perSpread }, () => `__typename ${directive}`).join(" ");
        const query = `query Q($yes: Boolean = true) ${PURPOSE} { ${Array.from({ length: spreads }, (_, i) => `...D${i}`).join(" ")} } ${Array.from({ length: spreads }, (_, i) => `fragment D${i} on Query { ${body} }`).join(" ")}`;
        await expectRefused(() => postJson({ query }), {
          status: 400,
          code: "QUERY_LIMIT_EXCEEDED",
          limit: floodLimit(query, "directives"),
        });
      }),
      { seed: SEED, numRuns: 20 },
    );
  });
});

describe("id enumeration", () => {
  let helpdesk: Record<string, string>;
  let ids: string[];
  beforeAll(async () => {
    const office = admin(gw);
    const partnerId = await office.createPartner({ kind: "SERVICE_PROVIDER", region: "EU" });
    await office.createGrant(partnerId, {
      purposes: ["CUSTOMER_SUPPORT"],
      categories: ["user.name"],
      subjectScope: "LINKED",
      regions: ["EU", "US"],
      transferBasis: "SCC",
      requestsPerMinute: 100_000,
    });
    helpdesk = { "x-api-key": (await office.issueKey(partnerId)).apiKey };
    ids = (
      await gw.database.db
        .select({ id: tables.customers.id })
        .from(tables.customers)
        .where(ne(tables.customers.id, "00000000-0000-4000-8000-000000000000"))
    ).map((r) => r.id);
  });

  it("a subject the caller may not see answers exactly like an id that does not exist: same status, code, message, body", async () => {
    const callers = [
      { name: "customer", headers: () => customer, purpose: "ACCOUNT_MANAGEMENT" },
      { name: "support_agent", headers: () => staff, purpose: "CUSTOMER_SUPPORT" },
      { name: "marketing_analyst", headers: async () => bearer(await gw.token("marketing_analyst")), purpose: "MARKETING" },
      { name: "fraud_analyst", headers: async () => bearer(await gw.token("fraud_analyst")), purpose: "FRAUD_PREVENTION" },
      { name: "partner (linked subjects only)", headers: () => helpdesk, purpose: "CUSTOMER_SUPPORT" },
    ];
    const read = (id: string, purpose: string) => [
      `query Q @purpose(name: ${purpose}) { customer(id: "${id}") { id } }`,
      `query Q @purpose(name: ${purpose}) { explainAccess(coordinate: "Profile.fullName", subjectId: "${id}") { effect } }`,
    ];
    let hidden = 0;
    let visible = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(callers.length - 1), fc.nat(ids.length - 1), fc.uuid({ version: 4 }), async (c, i, unknownId) => {
        const caller = callers[c]!;
        const headers = await caller.headers();
        const [byId, explain] = read(ids[i]!, caller.purpose);
        const [unknownById, unknownExplain] = read(unknownId, caller.purpose);
        for (const [query, unknownQuery] of [
          [byId!, unknownById!],
          [explain!, unknownExplain!],
        ] as const) {
          const [seen, unknown] = [
            await gw.post({ query }, headers),
            await gw.post({ query: unknownQuery.replace(unknownId, unknownId) }, headers),
          ];
          expect(unknown.body.errors?.[0]?.extensions?.code, JSON.stringify(unknown.body)).toBe("NOT_FOUND");
          const data = seen.body.data;
          if (data && (data.customer ?? data.explainAccess)) {
            visible++;
            continue;
          }
          hidden++;
          expect(seen.status).toBe(unknown.status);
          // The unknown id itself appears in neither answer, so the bodies must be identical.
          expect(JSON.stringify(seen.body).replaceAll(ids[i]!, "<id>")).toBe(JSON.stringify(unknown.body).replaceAll(unknownId, "<id>"));
        }
      }),
      { seed: SEED, numRuns: 40 },
    );
    expect(hidden).toBeGreaterThan(5);
    expect(visible).toBeGreaterThan(5);
  });
});
