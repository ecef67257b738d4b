import fc from "fast-check";
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

/**
 * No error that leaves the gateway, and no log line, quotes a value the caller sent. Canary
 * values go into every argument position of every root field and of `@purpose` (found in the
 * schema, nested input fields included), inline as literals and as variables, of a wrong type
 * (graphql-js and graphql-scalars coercion and validation messages), of the right type (the
 * resolvers' own checks), as unknown input fields, as the operation name, and as tokens that do
 * not parse; the canary must appear neither in the response nor in the logs.
 */

let gw: TestGateway;
let schema: GraphQLSchema;
const callers: { headers: Record<string, string>; purpose: string }[] = [];
beforeAll(async () => {
  gw = await startTestGateway({ customers: 5 });
  schema = await buildGatewaySchema();
  const customerId = (
    await gw.post(
      { query: "query @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { edges { node { id } } } }" },
      bearer(await gw.token("support_agent")),
    )
  ).body.data.customers.edges[0].node.id as string;
  callers.push(
    { headers: bearer(await gw.token("support_agent")), purpose: "CUSTOMER_SUPPORT" },
    { headers: bearer(await gw.token("privacy_officer")), purpose: "SUBJECT_REQUEST" },
    { headers: bearer(await gw.token("legal")), purpose: "LEGAL_COMPLIANCE" },
    { headers: bearer(await gw.token("customer", customerId)), purpose: "ACCOUNT_MANAGEMENT" },
  );
});
afterAll(async () => {
  await gw?.close();
});

// ---- where input goes: every argument of every root field, down into input objects ----

interface Position {
  operation: "query" | "mutation";
  field: GraphQLField<unknown, unknown>;
  arg: GraphQLArgument;
  /** Input fields below the argument (lists are entered through their first item). */
  path: string[];
  /** The type at the end of the path. */
  type: GraphQLInputType;
}

function positions(s: GraphQLSchema): Position[] {
  const out: Position[] = [];
  const walk = (base: Omit<Position, "path" | "type">, path: string[], type: GraphQLInputType, seen: Set<string>) => {
    out.push({ ...base, path, type });
    const named = getNamedType(type);
    if (!isInputObjectType(named) || seen.has(named.name)) return;
    for (const f of Object.values(named.getFields())) walk(base, [...path, f.name], f.type, new Set([...seen, named.name]));
  };
  for (const [operation, root] of [
    ["query", s.getQueryType()],
    ["mutation", s.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      for (const arg of field.args) walk({ operation, field, arg }, [], arg.type, new Set());
    }
  }
  return out;
}

// ---- values: valid fillers for the other required inputs, canaries for the position ----

const VALID_SCALARS: Record<string, unknown> = {
  Int: 1,
  Float: 1.5,
  String: "x",
  Boolean: true,
  ID: "00000000-0000-4000-8000-000000000000",
  DateTimeISO: "2026-01-01T00:00:00.000Z",
};

/** A valid value of the type: JSON for a variable; `literal` prints it as GraphQL. */
function validValue(type: GraphQLInputType): unknown {
  const t = getNullableType(type);
  if (isListType(t)) return [validValue(t.ofType)];
  if (isEnumType(t)) return { enum: t.getValues()[0]!.name };
  if (isInputObjectType(t)) {
    return Object.fromEntries(
      Object.values(t.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, validValue(f.type)]),
    );
  }
  return VALID_SCALARS[t.name];
}

/** A value as both printers take it: `{ enum }` is an enum value, `{ raw, json }` a literal's text and its JSON. */
type Value = unknown;
const literal = (v: Value): string => {
  if (Array.isArray(v)) return `[${v.map(literal).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    if ("enum" in v) return String((v as { enum: string }).enum);
    if ("raw" in v) return String((v as { raw: string }).raw);
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${literal(x)}`)
      .join(", ")} }`;
  }
  return JSON.stringify(v);
};
const json = (v: Value): unknown => {
  if (Array.isArray(v)) return v.map(json);
  if (v !== null && typeof v === "object") {
    if ("enum" in v) return (v as { enum: string }).enum;
    if ("raw" in v) return (v as { raw: string; json: unknown }).json;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, json(x)]));
  }
  return v;
};

/** The value of `type` with `leaf` placed at `path`, other required inputs valid. */
function valueAt(type: GraphQLInputType, path: string[], leaf: Value): Value {
  const t = getNullableType(type);
  if (isListType(t)) return [valueAt(t.ofType, path, leaf)];
  if (path.length === 0) return leaf;
  if (!isInputObjectType(t)) throw new Error("a path into a leaf");
  const [head, ...rest] = path;
  const filled = validValue(t) as Record<string, Value>;
  return { ...filled, [head!]: valueAt(t.getFields()[head!]!.type, rest, leaf) };
}

/** A canary of a kind: its text to look for, and the value that carries it. */
interface Canary {
  text: string;
  value: Value;
}

const word = fc.stringMatching(/^[a-z0-9]{10}$/);
/** Canaries for any position: strings (valid for String and ID: the resolvers' checks), names, numbers, objects with an unknown field, nested lists. */
function canaries(): fc.Arbitrary<Canary> {
  const kinds: fc.Arbitrary<Canary>[] = [
    word.map((w) => ({ text: `cnry${w}`, value: `cnry${w}` })),
    word.map((w) => `CNRY_${w.toUpperCase()}`).map((n) => ({ text: n, value: { raw: n, json: n } })),
    fc.bigInt({ min: 10n ** 11n, max: 10n ** 12n - 1n }).map((n) => ({ text: String(n), value: { raw: String(n), json: Number(n) } })),
    word.map((w) => ({ text: `cnry${w}`, value: { raw: `{ cnry${w}: 1 }`, json: { [`cnry ${w}@example.com`]: 1 } } })),
    word.map((w) => ({ text: `cnry${w}`, value: { raw: `[["cnry${w}"]]`, json: [[`cnry${w}`]] } })),
    fc.stringMatching(/^[0-9]{9}$/).map((d) => ({ text: `987${d}`, value: { raw: `1.987${d}`, json: Number(`1.987${d}`) } })),
  ];
  return fc.oneof(...kinds);
}

// ---- sending, and looking for the canary ----

async function send(
  body: { query: string; variables?: Record<string, unknown>; operationName?: string },
  caller: (typeof callers)[number],
) {
  const logsBefore = gw.logs.length;
  const res = await fetch(gw.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...caller.headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  await new Promise((r) => setImmediate(r)); // the log line is written after the response
  return { status: res.status, text, logs: gw.logs.slice(logsBefore).join("") };
}

function expectNoEcho(reply: { status: number; text: string; logs: string }, canary: string, what: string) {
  expect(reply.text.toLowerCase(), what).not.toContain(canary.toLowerCase());
  expect(reply.logs.toLowerCase(), what).not.toContain(canary.toLowerCase());
  expect(reply.text, what).not.toContain("INTERNAL_SERVER_ERROR");
}

const selectionFor = (field: GraphQLField<unknown, unknown>) => (isLeafType(getNamedType(field.type)) ? "" : " { __typename }");

function operationWith(p: Position, canary: Canary, form: "inline" | "variable", purpose: string) {
  const args: string[] = [];
  const variables: Record<string, unknown> = {};
  let definitions = "";
  for (const a of p.field.args) {
    if (a === p.arg) {
      const value = valueAt(a.type, p.path, canary.value);
      if (form === "inline") args.push(`${a.name}: ${literal(value)}`);
      else {
        definitions = `($v: ${String(a.type)})`;
        variables.v = json(value);
        args.push(`${a.name}: $v`);
      }
    } else if (isNonNullType(a.type) && a.defaultValue === undefined) args.push(`${a.name}: ${literal(validValue(a.type))}`);
  }
  const query = `${p.operation} Op${definitions} @purpose(name: ${purpose}) { ${p.field.name}${args.length ? `(${args.join(", ")})` : ""}${selectionFor(p.field)} }`;
  return { query, variables };
}

describe("no error or log quotes the caller's input", () => {
  it("finds input positions of every kind in the schema", () => {
    const all = positions(schema);
    const named = new Set(all.map((p) => getNamedType(p.type).name));
    for (const n of [
      "Int",
      "ID",
      "String",
      "Boolean",
      "DateTimeISO",
      "Purpose",
      "CustomerStatus",
      "SubjectRequestKind",
      "CustomerFilter",
      "DisclosureFilter",
    ])
      expect(named, n).toContain(n);
    expect(all.length).toBeGreaterThan(40);
  });

  it("canaries in every argument position, inline and as variables", async () => {
    const all = positions(schema);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          position: fc.nat(all.length - 1),
          canary: canaries(),
          form: fc.constantFrom("inline" as const, "variable" as const),
          caller: fc.nat(callers.length - 1),
        }),
        async ({ position, canary, form, caller }) => {
          const c = callers[caller]!;
          const { query, variables } = operationWith(all[position]!, canary, form, c.purpose);
          const reply = await send({ query, variables }, c);
          expectNoEcho(reply, canary.text, `${query} ${JSON.stringify(variables)} -> ${reply.status} ${reply.text.slice(0, 400)}`);
        },
      ),
      { seed: 5, numRuns: 400 },
    );
  });

  it("canaries in @purpose, the operation name and tokens that do not parse", async () => {
    const forms = (w: string): { query: string; variables?: Record<string, unknown>; operationName?: string }[] => [
      { query: `query Op @purpose(name: CNRY_${w}) { __typename }` },
      { query: `query Op @purpose(name: "cnry${w}") { __typename }` },
      { query: `query Op($p: Purpose!) @purpose(name: $p) { __typename }`, variables: { p: `cnry${w}` } },
      { query: `query Op($p: Purpose!) @purpose(name: $p) { __typename }`, variables: { p: `CNRY_${w}` } },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) { __typename }`, operationName: `cnry${w}` },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1 "cnry${w}") { totalCount } }` },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1 """cnry${w}""") { totalCount } }` },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1 cnry${w}) { totalCount } }` },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1 "cnry${w}` },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) { customers(filter: { email: "a" } "cnry${w}") { totalCount } }` },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1.5e${w.length}cnry${w}) { totalCount } }` },
      // Names the caller chose, which validation messages quote: operations, fragments, aliases, misspelt fields and arguments.
      {
        query: `query Cnry${w} @purpose(name: CUSTOMER_SUPPORT) { __typename } query Cnry${w} @purpose(name: CUSTOMER_SUPPORT) { __typename }`,
      },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { ...Cnry${w} } }` },
      {
        query: `query Op @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { cnry${w}: totalCount cnry${w}: pageInfo { hasNextPage } } }`,
      },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { cnry${w} } }` },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1, cnry${w}: 2) { totalCount } }` },
      { query: `query Op @purpose(name: CUSTOMER_SUPPORT) @cnry${w} { __typename }` },
      { query: `query Op($a: Cnry${w}) @purpose(name: CUSTOMER_SUPPORT) { __typename }` },
    ];
    await fc.assert(
      fc.asyncProperty(word, fc.nat(callers.length - 1), async (w, caller) => {
        for (const body of forms(w.toUpperCase())) {
          const reply = await send(body, callers[caller]!);
          expectNoEcho(reply, w, `${JSON.stringify(body)} -> ${reply.status} ${reply.text.slice(0, 400)}`);
        }
      }),
      { seed: 6, numRuns: 20 },
    );
  });
});

describe("a null where the operation cannot take one", () => {
  it("a nullable variable sent as null into @skip(if:) is bad input before execution, not an internal error", async () => {
    const reply = await send(
      {
        query:
          "query Op($x: Boolean = true) @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { edges { node { id @skip(if: $x) } } } }",
        variables: { x: null },
      },
      callers[0]!,
    );
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text).errors[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect(reply.text).toContain("$x");
  });
});

describe("the messages name the input and the expected type", () => {
  const staff = () => callers[0]!;
  const post = async (query: string, variables?: Record<string, unknown>) => {
    const c = callers[2]!;
    return JSON.parse((await send({ query, variables }, c)).text).errors[0] as { message: string; extensions: { code: string } };
  };

  it("an invalid DateTimeISO inline: the argument, the input field and the type", async () => {
    const e = await post(`query @purpose(name: LEGAL_COMPLIANCE) { disclosureLog(filter: { from: "my-secret-text" }) { at } }`);
    expect(e.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(e.message).toMatch(/"filter".*"disclosureLog".*"filter\.from".*"DateTimeISO"/);
    expect(e.message).not.toContain("my-secret-text");
  });

  it("an invalid DateTimeISO as a variable: the variable, its field and the type", async () => {
    const e = await post(`query($f: DisclosureFilter) @purpose(name: LEGAL_COMPLIANCE) { disclosureLog(filter: $f) { at } }`, {
      f: { from: "my-secret-text" },
    });
    expect(e.extensions.code).toBe("BAD_USER_INPUT");
    expect(e.message).toMatch(/"\$f".*"f\.from".*"DateTimeISO"/);
    expect(e.message).not.toContain("my-secret-text");
  });

  it("an unknown enum value, inline and as a variable", async () => {
    const inline = await post(`query @purpose(name: NOT_A_PURPOSE) { __typename }`);
    expect(inline.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(inline.message).toMatch(/"name".*"@purpose".*"Purpose!"/);
    expect(inline.message).not.toContain("NOT_A_PURPOSE");
    const variable = await post(`query($p: Purpose!) @purpose(name: $p) { __typename }`, { p: "NOT_A_PURPOSE" });
    expect(variable.extensions.code).toBe("BAD_USER_INPUT");
    expect(variable.message).toMatch(/"\$p".*"Purpose!"/);
    expect(variable.message).not.toMatch(/NOT_A_PURPOSE|Did you mean/);
  });

  it("a string for an Int: the argument and the type", async () => {
    const c = staff();
    const e = JSON.parse(
      (await send({ query: `query @purpose(name: CUSTOMER_SUPPORT) { customers(first: "twelve") { totalCount } }` }, c)).text,
    ).errors[0];
    expect(e.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(e.message).toMatch(/"first".*"customers".*"Int!"/);
    expect(e.message).not.toContain("twelve");
  });

  it("a token that does not parse: its kind, not its text", async () => {
    const e = JSON.parse(
      (await send({ query: `query @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1 "my-secret-text") { totalCount } }` }, staff()))
        .text,
    ).errors[0];
    expect(e.extensions.code).toBe("GRAPHQL_PARSE_FAILED");
    expect(e.message).toBe("Syntax Error: Expected Name, found String.");
  });
});
