import { eq, getTableName, isTable, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../src/db/schema/index.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { expectNoInternals } from "../helpers/expectNoInternals.js";

/**
 * Bad input over real HTTP: each is refused with a stable code and the right HTTP status, a
 * message that echoes no value the client sent, no internals, and no change to the database.
 */

const LEAK = "leak-me@example.com";
const STAFF_QUERY = "query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { totalCount } }";

let gw: TestGateway;
let staff: Record<string, string>;
let customer: Record<string, string>;
let customerId: string;

const allTables = (Object.values(tables) as unknown[]).filter((t): t is PgTable => isTable(t));

/** Row count of every table in src/db/schema, by SQL name. */
async function snapshot(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of allTables) {
    const [row] = await gw.database.db.select({ n: sql<number>`count(*)::int` }).from(table);
    counts[getTableName(table)] = Number(row!.n);
  }
  return counts;
}

interface Reply {
  status: number;
  text: string;
  body: any;
  headers: Headers;
}

async function raw(init: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  const res = await fetch(new URL(init.path ?? "/graphql", gw.url), {
    method: init.method ?? "POST",
    headers: init.headers,
    body: init.body,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: res.status, text, body, headers: res.headers };
}

/** POSTs a body in 16 KiB chunks without content-length, on a fresh connection (agent: false). */
function postChunked(body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(gw.url, { method: "POST", agent: false, headers: { "content-type": "application/json", ...staff } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        text += d;
      });
      res.on("end", () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* keep the text */
        }
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers.set(k, v);
        resolve({ status: res.statusCode ?? 0, text, body: parsed, headers });
      });
    });
    // The server may answer and close before the whole body is written: that is the point.
    req.on("error", (e) => {
      if (!req.writableFinished) return;
      reject(e);
    });
    for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.slice(i, i + 16 * 1024));
    req.end();
  });
}

async function until(condition: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

const post = (body: unknown, headers: Record<string, string> = staff) =>
  raw({ headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

/**
 * Runs the request with the database snapshotted around it, then checks status, code, message,
 * internals and that no table changed.
 */
async function expectRefused(
  send: () => Promise<Reply>,
  expected: { status: number; code: string; message?: RegExp; notInMessage?: string[] },
) {
  const before = await snapshot();
  const reply = await send();
  const after = await snapshot();
  expect(reply.status, reply.text).toBe(expected.status);
  expect(reply.headers.get("content-type")).toMatch(/^application\/(graphql-response\+)?json/);
  expect(Array.isArray(reply.body?.errors), reply.text).toBe(true);
  const error = reply.body.errors[0];
  expect(error.extensions?.code, reply.text).toBe(expected.code);
  expect(typeof error.message).toBe("string");
  if (expected.message) expect(error.message).toMatch(expected.message);
  for (const s of [LEAK, ...(expected.notInMessage ?? [])]) expect(reply.text).not.toContain(s);
  expect(reply.body.data ?? null).toBeNull();
  expectNoInternals(reply.text);
  expect(after).toEqual(before);
  return reply;
}

beforeAll(async () => {
  gw = await startTestGateway({ customers: 20 });
  staff = bearer(await gw.token("support_agent"));
  const [row] = await gw.database.db
    .select({ id: tables.customers.id })
    .from(tables.customers)
    .innerJoin(tables.profiles, eq(tables.profiles.customerId, tables.customers.id))
    .where(eq(tables.customers.status, "active"))
    .limit(1);
  customerId = row!.id;
  customer = bearer(await gw.token("customer", customerId));
});

afterAll(async () => {
  await gw?.close();
});

it("the snapshot covers every table of the schema", async () => {
  const counts = await snapshot();
  expect(Object.keys(counts).sort()).toEqual(
    expect.arrayContaining(["customers", "profiles", "disclosure_events", "partner_keys", "consent_events", "visits"]),
  );
  expect(Object.keys(counts).length).toBe(allTables.length);
  expect(allTables.length).toBeGreaterThanOrEqual(16);
  expect(counts.customers).toBe(20);
});

it("a well-formed request succeeds (the baseline the refusals below differ from)", async () => {
  const reply = await post({ query: STAFF_QUERY });
  expect(reply.status).toBe(200);
  expect(reply.body.data.customers.totalCount).toBeGreaterThan(0);
});

describe("GraphQL documents", () => {
  it("malformed GraphQL: 400 GRAPHQL_PARSE_FAILED", async () => {
    await expectRefused(() => post({ query: `query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { totalCount ` }), {
      status: 400,
      code: "GRAPHQL_PARSE_FAILED",
      message: /^Syntax Error/,
    });
  });

  it("malformed GraphQL holding a value: the value is not echoed beyond the parser's token", async () => {
    await expectRefused(() => post({ query: `{ customers(filter: { email: "${LEAK}" }) { totalCount } ` }), {
      status: 400,
      code: "GRAPHQL_PARSE_FAILED",
    });
  });

  it("an operation name the document does not hold: refused as unknown, nothing executed", async () => {
    const query = "query A @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { totalCount } } query B { __typename }";
    const reply = await post({ query, operationName: "C" });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.body.data).toBeUndefined();
    expect(reply.body.errors.map((e: { message: string }) => e.message)).toEqual([
      "Unknown operation name: the document has no operation of that name.",
    ]);
  });

  it("an empty query: 400", async () => {
    const reply = await expectRefused(() => post({ query: "" }), { status: 400, code: "BAD_REQUEST" });
    expect(reply.body.errors[0].message).toMatch(/query/i);
  });

  it("an unknown field: 400 GRAPHQL_VALIDATION_FAILED, the type and the place named, not the caller's text, no suggestions", async () => {
    const reply = await expectRefused(
      () => post({ query: "query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { totalCont } }" }),
      {
        status: 400,
        code: "GRAPHQL_VALIDATION_FAILED",
        message: /Cannot query field "…" on type "CustomerConnection"/,
      },
    );
    expect(reply.body.errors[0].locations).toEqual([{ line: 1, column: 66 }]);
    expect(reply.text).not.toMatch(/Did you mean/i);
    expect(reply.text).not.toContain("totalCont");
  });

  it("an unknown argument: 400 GRAPHQL_VALIDATION_FAILED, no suggestions", async () => {
    const reply = await expectRefused(
      () => post({ query: "query Q @purpose(name: CUSTOMER_SUPPORT) { customers(frist: 2) { totalCount } }" }),
      {
        status: 400,
        code: "GRAPHQL_VALIDATION_FAILED",
      },
    );
    expect(reply.text).not.toMatch(/Did you mean/i);
  });

  it("an unknown purpose in @purpose: 400 GRAPHQL_VALIDATION_FAILED, no suggestions", async () => {
    const reply = await expectRefused(
      () => post({ query: "query Q @purpose(name: CUSTOMER_SUPORT) { customers(first: 2) { totalCount } }" }),
      {
        status: 400,
        code: "GRAPHQL_VALIDATION_FAILED",
      },
    );
    expect(reply.text).not.toMatch(/Did you mean/i);
  });

  it("a literal of the wrong type inline: 400 GRAPHQL_VALIDATION_FAILED, value not echoed", async () => {
    await expectRefused(() => post({ query: `query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: "${LEAK}") { totalCount } }` }), {
      status: 400,
      code: "GRAPHQL_VALIDATION_FAILED",
    });
  });

  it("a personal value of the wrong type inline in a filter: 400, value not echoed", async () => {
    await expectRefused(
      () => post({ query: `query Q @purpose(name: CUSTOMER_SUPPORT) { customers(filter: { email: 4242424242 }) { totalCount } }` }),
      {
        status: 400,
        code: "GRAPHQL_VALIDATION_FAILED",
        notInMessage: ["4242424242"],
      },
    );
  });
});

describe("variables", () => {
  const Q = "query Q($first: Int!) @purpose(name: CUSTOMER_SUPPORT) { customers(first: $first) { totalCount } }";

  it('`$first: Int!` given "abc": 400 BAD_USER_INPUT, value not echoed', async () => {
    await expectRefused(() => post({ query: Q, variables: { first: "abc" } }), {
      status: 400,
      code: "BAD_USER_INPUT",
      message: /\$first/,
      notInMessage: ['"abc"'],
    });
  });

  it("`$first: Int!` given an email address: 400 BAD_USER_INPUT, the address not echoed", async () => {
    await expectRefused(() => post({ query: Q, variables: { first: LEAK } }), { status: 400, code: "BAD_USER_INPUT", message: /\$first/ });
  });

  it("text holding U+0000 (which no database text holds), in a variable or a literal: 400 BAD_USER_INPUT, not an internal error", async () => {
    const filter = `query F($f: CustomerFilter) @purpose(name: LEGAL_COMPLIANCE) { customers(first: 1, filter: $f) { totalCount } }`;
    const legal = bearer(await gw.token("legal"));
    for (const [body, headers] of [
      [{ query: filter, variables: { f: { email: `\u0000${LEAK}` } } }, legal],
      [{ query: `query @purpose(name: LEGAL_COMPLIANCE) { customers(first: 1, filter: { email: "\\u0000x" }) { totalCount } }` }, legal],
    ] as const) {
      await expectRefused(() => post(body, headers), { status: 400, code: "BAD_USER_INPUT", message: /U\+0000/ });
    }
  });

  it("`$first: Int!` missing: 400 BAD_USER_INPUT", async () => {
    await expectRefused(() => post({ query: Q, variables: {} }), { status: 400, code: "BAD_USER_INPUT", message: /\$first/ });
  });

  it("a variable whose value fails in several places: one message, naming the variable, the first place and the type expected there", async () => {
    const reply = await expectRefused(
      () =>
        post({
          query: "query Q($ids: [ID!]) @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2, filter: { ids: $ids }) { totalCount } }",
          variables: { ids: [1.5, { a: 1 }, 2.5] },
        }),
      { status: 400, code: "BAD_USER_INPUT" },
    );
    expect(reply.body.errors.map((e: { message: string }) => e.message)).toEqual([
      'Variable "$ids" got an invalid value at "ids[0]"; expected a value of type "ID!".',
    ]);
  });

  it("null for a nullable variable where a non-null value is expected (a place with a default): 400 BAD_USER_INPUT naming the variable, not an internal error", async () => {
    const reply = await expectRefused(
      () =>
        post({
          query: "query Q($n: Int) @purpose(name: CUSTOMER_SUPPORT) { customers(first: $n) { totalCount } }",
          variables: { n: null },
        }),
      { status: 400, code: "BAD_USER_INPUT" },
    );
    expect(reply.body.errors.map((e: { message: string }) => e.message)).toEqual([
      'Variable "$n" got an invalid value; expected a value of type "Int!".',
    ]);
  });

  it("a CustomerFilter with `email: 42`: 400 BAD_USER_INPUT, value not echoed", async () => {
    await expectRefused(
      () =>
        post({
          query: "query Q($f: CustomerFilter) @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2, filter: $f) { totalCount } }",
          variables: { f: { email: 4242424242 } },
        }),
      { status: 400, code: "BAD_USER_INPUT", message: /\$f/, notInMessage: ["4242424242"] },
    );
  });

  it("a CustomerFilter with an unknown field holding a value: 400 BAD_USER_INPUT, value not echoed", async () => {
    await expectRefused(
      () =>
        post({
          query: "query Q($f: CustomerFilter) @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2, filter: $f) { totalCount } }",
          variables: { f: { mail: LEAK } },
        }),
      { status: 400, code: "BAD_USER_INPUT", message: /\$f/ },
    );
  });

  it("a CustomerFilter with an invalid status enum holding a value: 400 BAD_USER_INPUT, value not echoed", async () => {
    await expectRefused(
      () =>
        post({
          query: "query Q($f: CustomerFilter) @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2, filter: $f) { totalCount } }",
          variables: { f: { status: LEAK } },
        }),
      { status: 400, code: "BAD_USER_INPUT", message: /\$f/ },
    );
  });

  it("variables that are not an object: 400", async () => {
    const reply = await expectRefused(() => post({ query: Q, variables: "first=2" }), { status: 400, code: "BAD_REQUEST" });
    expect(reply.text).not.toContain("first=2");
  });
});

describe("the HTTP envelope", () => {
  it("a body over the limit (200 KiB against the default 100 KiB): 413 PAYLOAD_TOO_LARGE", async () => {
    expect(gw.config.maxBodyBytes).toBe(102_400);
    const padding = `# ${"x".repeat(200 * 1024)}\n`;
    const reply = await expectRefused(() => post({ query: `${padding}${STAFF_QUERY}` }), {
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
      message: /exceeds 102400 bytes/,
    });
    expect(reply.text.length).toBeLessThan(1000);
  });

  it("a body over the limit sent without content-length (chunked): 413 PAYLOAD_TOO_LARGE", async () => {
    // On a connection of its own: see the it.fails below for what happens to a reused one.
    const body = JSON.stringify({ query: `# ${"y".repeat(200 * 1024)}\n${STAFF_QUERY}` });
    await expectRefused(() => postChunked(body), { status: 413, code: "PAYLOAD_TOO_LARGE", message: /exceeds 102400 bytes/ });
  });

  // A chunked body cut off at the limit cannot be resumed: the 413 says `Connection: close` and
  // the socket closes, so a client reusing the connection does not hang.
  it("after a chunked body over the limit, the connection is closed or still answers", async () => {
    const { port, hostname } = new URL(gw.url);
    const socket = connect(Number(port), hostname);
    let received = "";
    let closed = false;
    socket.on("data", (d) => {
      received += d.toString("latin1");
    });
    socket.on("close", () => {
      closed = true;
    });
    socket.on("error", () => {
      closed = true;
    });
    const head = (extra: string) =>
      `POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nAuthorization: ${staff.authorization}\r\n${extra}\r\n`;
    const body = JSON.stringify({ query: `# ${"y".repeat(200 * 1024)}\n{ __typename }` });
    socket.write(head("Transfer-Encoding: chunked\r\n"));
    for (let i = 0; i < body.length; i += 16 * 1024) {
      const part = body.slice(i, i + 16 * 1024);
      socket.write(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
    }
    socket.write("0\r\n\r\n");
    await until(() => received.includes("\r\n\r\n"), 3000);
    expect(received).toMatch(/^HTTP\/1\.1 413/);
    const announcedClose = /\r\nconnection: close\r\n/i.test(received);
    received = "";
    if (!closed) socket.write(`${head("Content-Length: 1\r\n")}{`);
    await until(() => closed || received.includes("\r\n\r\n"), 2000);
    socket.destroy();
    // Either the server said it would close and did, or it answered the next request.
    expect((announcedClose && closed) || /^HTTP\/1\.1 400/.test(received)).toBe(true);
  });

  it("a body just under the limit is read", async () => {
    const padding = `# ${"z".repeat(90 * 1024)}\n`;
    const reply = await post({ query: `${padding}${STAFF_QUERY}` });
    expect(reply.status).toBe(200);
  });

  it("malformed JSON: 400 BAD_REQUEST, the text not echoed", async () => {
    await expectRefused(
      () => raw({ headers: { "content-type": "application/json", ...staff }, body: `{"query": "{ __typename }", "x": "${LEAK}"` }),
      {
        status: 400,
        code: "BAD_REQUEST",
        message: /not valid JSON/,
      },
    );
  });

  it("content-type: text/plain: 415", async () => {
    await expectRefused(() => raw({ headers: { "content-type": "text/plain", ...staff }, body: JSON.stringify({ query: STAFF_QUERY }) }), {
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: /application\/json/,
    });
  });

  it("no content-type at all: 415", async () => {
    await expectRefused(
      () => raw({ headers: { ...staff }, body: new TextEncoder().encode(JSON.stringify({ query: STAFF_QUERY })) as unknown as string }),
      {
        status: 415,
        code: "UNSUPPORTED_MEDIA_TYPE",
      },
    );
  });

  it("a batched array body: 400", async () => {
    await expectRefused(() => post([{ query: STAFF_QUERY }, { query: STAFF_QUERY }]), { status: 400, code: "BAD_REQUEST" });
  });

  it("a JSON body that is not an object: 400", async () => {
    await expectRefused(() => post(`${LEAK}`), { status: 400, code: "BAD_REQUEST" });
  });

  it("PUT: 405", async () => {
    const reply = await expectRefused(
      () => raw({ method: "PUT", headers: { "content-type": "application/json", ...staff }, body: JSON.stringify({ query: STAFF_QUERY }) }),
      {
        status: 405,
        code: "METHOD_NOT_ALLOWED",
        message: /GET or POST/,
      },
    );
    expect(reply.status).toBe(405);
  });

  it("DELETE: 405", async () => {
    await expectRefused(() => raw({ method: "DELETE", headers: staff }), { status: 405, code: "METHOD_NOT_ALLOWED" });
  });

  it("an unknown path: ROUTE_NOT_FOUND pointing at /graphql, nothing executed", async () => {
    const reply = await raw({
      path: "/graphql/extra",
      headers: { "content-type": "application/json", ...staff },
      body: JSON.stringify({ query: STAFF_QUERY }),
    });
    expect(reply.body).toEqual({ errors: [{ message: expect.stringMatching(/\/graphql/), extensions: { code: "ROUTE_NOT_FOUND" } }] });
    expectNoInternals(reply.text);
    const before = await snapshot();
    const statements = gw.database.statements;
    for (const path of ["/admin", "/graphql/", "/GRAPHQL", "/"]) {
      const r = await raw({ method: "GET", path });
      expect(r.body.errors[0].extensions.code, path).toBe("ROUTE_NOT_FOUND");
    }
    expect(gw.database.statements).toBe(statements);
    expect(await snapshot()).toEqual(before);
  });

  it("an unknown path: 404", async () => {
    const reply = await raw({
      path: "/graphql/extra",
      headers: { "content-type": "application/json", ...staff },
      body: JSON.stringify({ query: STAFF_QUERY }),
    });
    expect(reply.status).toBe(404);
    expect((await raw({ method: "GET", path: "/admin" })).status).toBe(404);
  });
});

// Errors raised by a resolver during execution are GraphQL results: HTTP 200, `data: null` (the
// field is non-null), the code in the error (GraphQL over HTTP; ErrorCode.ts keeps 4xx statuses
// for refusals before execution). Coercion of variables fails before execution: 400.
describe("arguments checked by resolvers", () => {
  const withAfter = (after: string) => `query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2, after: "${after}") { totalCount } }`;

  it("an invalid `after` cursor: BAD_USER_INPUT, the cursor not echoed", async () => {
    const cursor = Buffer.from(`c:${LEAK}`).toString("base64url");
    await expectRefused(() => post({ query: withAfter(cursor) }), {
      status: 200,
      code: "BAD_USER_INPUT",
      message: /after/,
      notInMessage: [cursor],
    });
  });

  it("a cursor that is not base64 at all: BAD_USER_INPUT", async () => {
    await expectRefused(() => post({ query: withAfter("!!not a cursor!!") }), { status: 200, code: "BAD_USER_INPUT", message: /after/ });
  });

  it.each([0, -1, 100_000])("`first: %i`: BAD_USER_INPUT", async (first) => {
    await expectRefused(() => post({ query: `query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: ${first}) { totalCount } }` }), {
      status: 200,
      code: "BAD_USER_INPUT",
      message: /`first` must be from 1 to/,
    });
  });

  it("`first` as a variable out of range: BAD_USER_INPUT", async () => {
    await expectRefused(
      () =>
        post({
          query: "query Q($n: Int!) @purpose(name: CUSTOMER_SUPPORT) { customers(first: $n) { totalCount } }",
          variables: { n: 100_000 },
        }),
      {
        status: 200,
        code: "BAD_USER_INPUT",
        message: /`first` must be from 1 to/,
      },
    );
  });
});

describe("updateMyProfile with invalid input", () => {
  const MUTATION = "mutation M($input: ProfileInput!) { updateMyProfile(input: $input) { email } }";

  async function profileRow() {
    const [row] = await gw.database.db.select().from(tables.profiles).where(eq(tables.profiles.customerId, customerId));
    return row!;
  }

  it("an invalid email: BAD_USER_INPUT naming the field, not the value; the profile row unchanged", async () => {
    const before = await profileRow();
    const bad = "leak-me-at-example.com";
    const reply = await expectRefused(() => post({ query: MUTATION, variables: { input: { email: bad } } }, customer), {
      status: 200,
      code: "BAD_USER_INPUT",
      message: /email/,
      notInMessage: [bad],
    });
    expect(reply.body.errors[0].extensions.invalid).toEqual([{ field: "email", expected: expect.any(String) }]);
    expect(await profileRow()).toEqual(before);
  });

  it("several invalid fields, one valid: all invalid ones named, nothing written", async () => {
    const before = await profileRow();
    const values = { email: "still not an email", phone: "call me maybe", displayName: "Fine Name" };
    const reply = await expectRefused(() => post({ query: MUTATION, variables: { input: values } }, customer), {
      status: 200,
      code: "BAD_USER_INPUT",
      message: /email.*phone|phone.*email/,
      notInMessage: Object.values(values),
    });
    const fields = (reply.body.errors[0].extensions.invalid as { field: string }[]).map((i) => i.field).sort();
    expect(fields).toEqual(["email", "phone"]);
    expect(await profileRow()).toEqual(before);
  });

  it("an invalid nested address part: BAD_USER_INPUT naming `address.country`", async () => {
    const before = await profileRow();
    const input = { address: { line1: "1 Main St", postalCode: "75001", city: "Paris", country: `France-${LEAK}` } };
    await expectRefused(() => post({ query: MUTATION, variables: { input } }, customer), {
      status: 200,
      code: "BAD_USER_INPUT",
      message: /address\.country/,
    });
    expect(await profileRow()).toEqual(before);
  });

  it("an email of the wrong GraphQL type (a number): 400 BAD_USER_INPUT, value not echoed", async () => {
    const before = await profileRow();
    await expectRefused(() => post({ query: MUTATION, variables: { input: { email: 4242424242 } } }, customer), {
      status: 400,
      code: "BAD_USER_INPUT",
      notInMessage: ["4242424242"],
    });
    expect(await profileRow()).toEqual(before);
  });

  it("an empty input: BAD_USER_INPUT", async () => {
    const before = await profileRow();
    await expectRefused(() => post({ query: MUTATION, variables: { input: {} } }, customer), {
      status: 200,
      code: "BAD_USER_INPUT",
      message: /at least one field/,
    });
    expect(await profileRow()).toEqual(before);
  });
});
