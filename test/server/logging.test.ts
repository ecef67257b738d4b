import { connect } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canariesIn, rawKey, startCanaryWorld, type World } from "../enforcement/support/world.js";
import { bearer, type TestGateway } from "../helpers/testGateway.js";

/**
 * The gateway's logs over a run of real HTTP traffic on the canary seed (every personal value
 * carries a unique `cnry...` token): reads by staff, customers and partners, mutations with
 * canary values in their variables, and failing requests whose input echoes canaries. No canary,
 * token or key may reach a log line; every request has one line with its id, caller kind,
 * purpose, operation (its type and root fields, never the name the client gave it), status, error
 * codes and duration; every unexpected error's original
 * is logged with the request id.
 */

let gw: TestGateway;
let world: World;
beforeAll(async () => {
  ({ gw, world } = await startCanaryWorld());
});
afterAll(async () => {
  await gw?.close();
});

interface Sent {
  id: string;
  status: number;
  body: any;
  expect: { callerKind: string | null; purpose?: string | null; operation?: string | null; codes?: string[] };
}

const sent: Sent[] = [];
const secrets: string[] = [];

/** POSTs over real HTTP and remembers, by the request id the gateway answered with, what the log line should say. */
async function post(
  body: { query: string; variables?: Record<string, unknown>; operationName?: string },
  headers: Record<string, string>,
  expected: Sent["expect"],
): Promise<Sent> {
  const res = await gw.post(body, headers);
  const id = res.headers.get("x-request-id")!;
  const entry = { id, status: res.status, body: res.body, expect: expected };
  sent.push(entry);
  return entry;
}

/** A raw HTTP request (bad bodies, routes, methods). */
async function raw(path: string, init: RequestInit, expected: Sent["expect"]): Promise<Sent> {
  const res = await fetch(new URL(path, gw.url), init);
  const id = res.headers.get("x-request-id")!;
  const text = await res.text();
  const entry = { id, status: res.status, body: text, expect: expected };
  sent.push(entry);
  return entry;
}

async function staff(role: string): Promise<Record<string, string>> {
  const token = await gw.token(role);
  secrets.push(token);
  return bearer(token);
}

async function customer(id: string): Promise<Record<string, string>> {
  const token = await gw.token("customer", id);
  secrets.push(token);
  return bearer(token);
}

const emailOf = (customerId: string): string => {
  const values = world.raw.get(rawKey(customerId, "Profile.email"));
  if (!values || values.size === 0) throw new Error(`no email for ${customerId}`);
  return [...values][0]!;
};

const PAGE = `query StaffPage($first: Int!) @purpose(name: CUSTOMER_SUPPORT) {
  customers(first: $first) { totalCount edges { node { id profile { fullName displayName email phone username address { line1 city postalCode } } accounts { accountNumber } } } } }`;
const FRAUD_PAGE = `query FraudPage @purpose(name: FRAUD_PREVENTION) {
  customers(first: 10) { edges { node { id profile { fullName email phone address { line1 postalCode city } } paymentMethods { lastFour brand } } } } }`;
const BY_EMAIL = `query ByEmail($email: String!) @purpose(name: CUSTOMER_SUPPORT) {
  customers(first: 5, filter: { email: $email }) { edges { node { id profile { fullName email } } } } }`;
const ME = `query Me { me { id profile { fullName email phone address { line1 city } } accounts { accountNumber } consents { purpose granted } } }`;
const CORRECT = `mutation CorrectMyProfile($input: ProfileInput!) { updateMyProfile(input: $input) { fullName email } }`;

describe("logs over a run of traffic on the canary seed", () => {
  it("serves the run (reads disclose canaries, so the logs are tested against real personal data)", async () => {
    const active = world.customers.filter((c) => c.status === "active");
    const [first, second, third] = active;

    // Reads that disclose personal data.
    const page = await post({ query: PAGE, variables: { first: 25 } }, await staff("support_agent"), {
      callerKind: "staff",
      purpose: "customer_support",
      operation: "query customers",
      codes: [],
    });
    expect(page.status).toBe(200);
    expect(canariesIn(JSON.stringify(page.body)).length).toBeGreaterThan(50);
    const fraud = await post({ query: FRAUD_PAGE }, await staff("fraud_analyst"), {
      callerKind: "staff",
      purpose: "fraud_prevention",
      operation: "query customers",
    });
    expect(fraud.status).toBe(200);
    for (const c of active.slice(0, 6)) {
      const me = await post({ query: ME }, await customer(c.id), {
        callerKind: "customer",
        purpose: "account_management",
        operation: "query me",
      });
      expect(me.status).toBe(200);
    }
    const email = emailOf(second!.id);
    const byEmail = await post({ query: BY_EMAIL, variables: { email } }, await staff("support_agent"), {
      callerKind: "staff",
      purpose: "customer_support",
      operation: "query customers",
    });
    expect(byEmail.status).toBe(200);
    const literal = await post(
      { query: BY_EMAIL.replace("($email: String!)", "").replace("$email", JSON.stringify(email)) },
      await staff("support_agent"),
      { callerKind: "staff", operation: "query customers" },
    );
    expect(literal.status).toBe(200);
    for (const partner of world.partners) {
      secrets.push(partner.apiKey);
      const purpose = partner.caller.grant.purposes[0]!;
      await post(
        {
          query: `query PartnerLookup @purpose(name: ${purpose.toUpperCase()}) { customers(first: 10) { edges { node { id profile { fullName email } } } } }`,
        },
        { "x-api-key": partner.apiKey },
        { callerKind: "partner", purpose, operation: "query customers" },
      );
    }

    // Mutations with canary values in their variables: valid, and refused.
    const stolenName = [...(world.raw.get(rawKey(third!.id, "Profile.fullName")) ?? [])][0]!;
    const corrected = await post(
      { query: CORRECT, variables: { input: { fullName: stolenName, email: "new.cnryzz01@example.com" } } },
      await customer(first!.id),
      { callerKind: "customer", purpose: "account_management", operation: "mutation updateMyProfile" },
    );
    expect(corrected.status).toBe(200);
    expect(corrected.body.data.updateMyProfile.fullName).toBe(stolenName);
    const refused = await post(
      { query: CORRECT, variables: { input: { email: `not an email ${email}`, phone: "cnryzz02" } } },
      await customer(first!.id),
      { callerKind: "customer", operation: "mutation updateMyProfile", codes: ["BAD_USER_INPUT"] },
    );
    expect(refused.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    await post(
      { query: `mutation SetConsent($p: Purpose!) { setConsent(purpose: $p, granted: false) { purpose } }`, variables: { p: "cnryzz03" } },
      await customer(first!.id),
      { callerKind: "customer", codes: ["BAD_USER_INPUT"] },
    );

    // An operation named after a subject (a document built per subject): its name holds a canary.
    const [token] = canariesIn(email);
    expect(token).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    const named = `Lookup_${token}`;
    const byName = await post(
      { query: `query ${named} @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { totalCount } }`, operationName: named },
      await staff("support_agent"),
      { callerKind: "staff", purpose: "customer_support", operation: "query customers", codes: [] },
    );
    expect(byName.status).toBe(200);

    // Failing requests whose input echoes canaries.
    await post({ query: `{ cnryzz04 }` }, await staff("support_agent"), {
      callerKind: "staff",
      operation: null,
      codes: ["GRAPHQL_VALIDATION_FAILED"],
    });
    await post({ query: `{ customers(filter: { email: "${email}" ` }, await staff("support_agent"), {
      callerKind: "staff",
      operation: null,
      codes: ["GRAPHQL_PARSE_FAILED"],
    });
    await post({ query: PAGE, variables: { first: email } }, await staff("support_agent"), {
      callerKind: "staff",
      codes: ["BAD_USER_INPUT"],
    });
    await post(
      { query: `query Q @purpose(name: CUSTOMER_SUPPORT) { customer(id: "${email}") { id profile { email } } }` },
      await staff("support_agent"),
      { callerKind: "staff", operation: "query customer" },
    );
    await post(
      { query: ME },
      { "x-purpose": email, ...(await staff("support_agent")) },
      { callerKind: "staff", codes: ["BAD_USER_INPUT"] },
    );
    await post({ query: BY_EMAIL, variables: { email } }, await staff("marketing_analyst"), {
      callerKind: "staff",
      codes: ["PURPOSE_NOT_ALLOWED"],
    });
    await post({ query: ME }, { authorization: `Bearer ${email}` }, { callerKind: null, codes: ["UNAUTHENTICATED"] });
    await post({ query: ME }, { "x-api-key": `pk_cnryzz05_${email}` }, { callerKind: null, codes: ["UNAUTHENTICATED"] });
    await raw(
      "/graphql",
      { method: "POST", headers: { "content-type": "application/json" }, body: `{"query": "{ me { id } }", "variables": {"e": "${email}"` },
      { callerKind: null, codes: ["BAD_REQUEST"] },
    );
    await raw(
      "/graphql",
      { method: "POST", headers: { "content-type": "text/plain" }, body: email },
      { callerKind: null, codes: ["UNSUPPORTED_MEDIA_TYPE"] },
    );
    await raw(
      "/graphql",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ me { id } }`, pad: email.repeat(20_000) }),
      },
      { callerKind: null, codes: ["PAYLOAD_TOO_LARGE"] },
    );
    await raw(`/${encodeURIComponent(email)}?q=cnryzz06`, { method: "GET" }, { callerKind: null, codes: ["ROUTE_NOT_FOUND"] });
    await raw(
      `/graphql?query=${encodeURIComponent(`{ customers(filter: { email: "${email}" }) { totalCount } }`)}`,
      { method: "GET", headers: await staff("support_agent") },
      { callerKind: "staff" },
    );
  });

  it("logs the original of an unexpected error with the request id, scrubbed of the statement's parameters", async () => {
    const email = emailOf(world.customers[0]!.id);
    await gw.database.db.execute(sql`alter table profiles rename to profiles_away`);
    let failed: Sent;
    try {
      failed = await post({ query: BY_EMAIL, variables: { email } }, await staff("support_agent"), {
        callerKind: "staff",
        purpose: "customer_support",
        operation: "query customers",
      });
    } finally {
      await gw.database.db.execute(sql`alter table profiles_away rename to profiles`);
    }
    expect(failed.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain("INTERNAL_SERVER_ERROR");
    const lines = logLines().filter((l) => l.requestId === failed.id && l.msg === "unexpected error");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatchObject({ level: 50, err: { message: "database query failed", code: "42P01" } });
  });

  it("logs a failed disclosure-log write with the request id", async () => {
    await gw.database.db.execute(sql`alter table disclosure_events rename to disclosure_events_away`);
    let failed: Sent;
    try {
      failed = await post({ query: PAGE, variables: { first: 3 } }, await staff("support_agent"), {
        callerKind: "staff",
        purpose: "customer_support",
        operation: "query customers",
        codes: ["DISCLOSURE_NOT_RECORDED"],
      });
    } finally {
      await gw.database.db.execute(sql`alter table disclosure_events_away rename to disclosure_events`);
    }
    expect(failed.status).toBe(503);
    expect(logLines().some((l) => l.requestId === failed.id && /disclosure log write failed/.test(String(l.msg)))).toBe(true);
  });

  it("logs a body the client cut off as its bad request, not as an unreachable database", async () => {
    const { hostname, port } = new URL(gw.url);
    // No answer reaches the client, so its request is the one logged after this point (the tests of this file run one at a time).
    const from = logLines().length;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"query":`,
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
      socket.on("error", reject);
    });
    let line: LogLine | undefined;
    for (const deadline = Date.now() + 5000; !line && Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      line = logLines()
        .slice(from)
        .find((l) => l.msg === "request");
    }
    expect(line).toMatchObject({ status: 400, codes: ["BAD_REQUEST"] });
    expect(logLines().filter((l) => l.requestId === line!.requestId && /database unavailable/.test(String(l.msg)))).toEqual([]);
  });

  it("writes one request line per request, with id, caller kind, purpose, operation, status, codes and duration", () => {
    expect(sent.length).toBeGreaterThan(30);
    const lines = logLines();
    for (const request of sent) {
      const mine = lines.filter((l) => l.requestId === request.id && l.msg === "request");
      expect(mine, request.id).toHaveLength(1);
      const line = mine[0]!;
      expect(line).toMatchObject({ level: 30, status: request.status, callerKind: request.expect.callerKind });
      expect(typeof line.ms).toBe("number");
      expect(typeof line.statements).toBe("number");
      expect(Array.isArray(line.codes)).toBe(true);
      for (const key of ["route", "purpose", "operation", "method"]) expect(line, `${request.id} ${key}`).toHaveProperty(key);
      if (request.expect.purpose !== undefined) expect(line.purpose, request.id).toBe(request.expect.purpose);
      if (request.expect.operation !== undefined) expect(line.operation, request.id).toBe(request.expect.operation);
      if (request.expect.codes !== undefined) expect(line.codes, request.id).toEqual(request.expect.codes);
      // The codes logged are the ones the client got.
      const body = typeof request.body === "string" ? safeJson(request.body) : request.body;
      const given = [
        ...new Set<string>((body?.errors ?? []).map((e: { extensions?: { code?: string } }) => e.extensions?.code).filter(Boolean)),
      ];
      expect(line.codes, request.id).toEqual(given);
    }
  });

  it("never writes a canary, a token, an API key, a variable or a raw path to the log", () => {
    const text = gw.logs.join("");
    expect(text.length).toBeGreaterThan(5_000);
    expect(canariesIn(text)).toEqual([]);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"variables"|"query"|"headers"|"authorization"|"x-api-key"|"path":"\//i);
    for (const line of logLines()) expect(Object.keys(line)).not.toContain("variables");
  });
});

type LogLine = Record<string, unknown> & { msg?: string; requestId?: string };

function logLines(): LogLine[] {
  return gw.logs
    .join("")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
