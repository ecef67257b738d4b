import { count, eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatApiKey, generateApiKey, hashApiKeySecret } from "../../src/db/apiKeys.js";
import { customers, disclosureLog, partnerGrants, partnerKeys, partners, profiles } from "../../src/db/schema/index.js";
import { DEVELOPMENT_JWT_SECRET } from "../../src/server/config.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { expectNoInternals } from "../helpers/expectNoInternals.js";

/**
 * Authentication over real HTTP (DESIGN.md section 3, step 1): bad or missing credentials end the
 * request with 401 and a clear code before anything executes; credentials never leak back.
 */

const STAFF_QUERY = "query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { totalCount } }";
const DAY = 86_400_000;

let gw: TestGateway;
/** Every credential this file sends: none may show up in a response or a log line. */
const secrets = new Set<string>();
/** Every response body this file received, searched for credentials at the end. */
const bodies: string[] = [];

let activeCustomerId: string;
let validPartnerKey: string;
let revokedKey: string;
let expiredGrantKey: string;
let futureGrantKey: string;
let noGrantKey: string;

const enc = (s: string) => new TextEncoder().encode(s);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const nowSeconds = () => Math.floor(Date.now() / 1000);

function remember<T extends string>(credential: T): T {
  secrets.add(credential);
  return credential;
}

/** A token like the helper's, with any claim or key swapped. */
async function signToken(options: {
  role?: string | null;
  sub?: string;
  issuer?: string;
  audience?: string;
  exp?: number;
  secret?: string;
  omitSub?: boolean;
}) {
  const jwt = new SignJWT(options.role === null ? {} : { role: options.role ?? "support_agent" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(options.issuer ?? gw.config.jwtIssuer)
    .setAudience(options.audience ?? gw.config.jwtAudience)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? nowSeconds() + 600);
  if (!options.omitSub) jwt.setSubject(options.sub ?? "staff-test");
  return remember(await jwt.sign(enc(options.secret ?? DEVELOPMENT_JWT_SECRET)));
}

/** Raw POST: the helper's own, plus the body as text for leak checks. */
async function send(headers: Record<string, string>, query = STAFF_QUERY) {
  const res = await gw.post({ query }, headers);
  bodies.push(typeof res.body === "string" ? res.body : JSON.stringify(res.body));
  return res;
}

async function rowCounts() {
  const [log] = await gw.database.db.select({ n: count() }).from(disclosureLog);
  const [people] = await gw.database.db.select({ n: count() }).from(customers);
  const [keys] = await gw.database.db.select({ n: count() }).from(partnerKeys);
  return { disclosureLog: log!.n, customers: people!.n, partnerKeys: keys!.n };
}

/**
 * Sends the request and checks that it was refused before execution: status and code as given,
 * at most `sql` statements (credential look-ups) issued, no row written.
 */
async function expectRefused(
  headers: Record<string, string>,
  expected: { status: number; code: string; message: RegExp; sql?: number; query?: string },
) {
  const rowsBefore = await rowCounts();
  const statementsBefore = gw.database.statements;
  const res = await send(headers, expected.query);
  const statementsAfter = gw.database.statements;
  expect(res.status).toBe(expected.status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.body).toEqual({
    errors: [expect.objectContaining({ message: expect.any(String), extensions: expect.objectContaining({ code: expected.code }) })],
  });
  const error = res.body.errors[0];
  expect(error.message).toMatch(expected.message);
  expect(res.body).not.toHaveProperty("data");
  expectNoInternals(JSON.stringify(res.body));
  expect(statementsAfter - statementsBefore).toBeLessThanOrEqual(expected.sql ?? 0);
  expect(await rowCounts()).toEqual(rowsBefore);
  if (expected.status === 401) expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
  return res;
}

/** Inserts a partner with one key and the given grants; returns the full key. */
async function insertPartner(options: { name: string; revoked?: boolean; grants: Array<{ from: Date; until: Date; revoked?: boolean }> }) {
  const db = gw.database.db;
  const [partner] = await db
    .insert(partners)
    .values({ name: options.name, kind: "service_provider", region: "EU", contractRef: `TEST-${options.name}` })
    .returning({ id: partners.id });
  for (const g of options.grants) {
    await db.insert(partnerGrants).values({
      partnerId: partner!.id,
      purposes: ["customer_support"],
      categories: ["user.name"],
      subjectScope: "all",
      regions: ["EU", "US", "UK"],
      transferBasis: "SCC-2021",
      validFrom: g.from,
      validUntil: g.until,
      revokedAt: g.revoked ? new Date(Date.now() - DAY) : null,
    });
  }
  const key = generateApiKey();
  await db.insert(partnerKeys).values({
    id: key.keyId,
    partnerId: partner!.id,
    secretHash: hashApiKeySecret(key.secret),
    revokedAt: options.revoked ? new Date(Date.now() - DAY) : null,
  });
  return remember(key.key);
}

beforeAll(async () => {
  gw = await startTestGateway({ customers: 20 });
  const [customer] = await gw.database.db
    .select({ id: customers.id })
    .from(customers)
    .innerJoin(profiles, eq(profiles.customerId, customers.id))
    .where(eq(customers.status, "active"))
    .limit(1);
  activeCustomerId = customer!.id;
  const now = Date.now();
  validPartnerKey = await insertPartner({ name: "valid", grants: [{ from: new Date(now - DAY), until: new Date(now + 30 * DAY) }] });
  revokedKey = await insertPartner({
    name: "revoked-key",
    revoked: true,
    grants: [{ from: new Date(now - DAY), until: new Date(now + 30 * DAY) }],
  });
  expiredGrantKey = await insertPartner({
    name: "expired-grant",
    grants: [{ from: new Date(now - 60 * DAY), until: new Date(now - DAY) }],
  });
  futureGrantKey = await insertPartner({ name: "future-grant", grants: [{ from: new Date(now + DAY), until: new Date(now + 60 * DAY) }] });
  noGrantKey = await insertPartner({
    name: "revoked-grant-only",
    grants: [{ from: new Date(now - DAY), until: new Date(now + 30 * DAY), revoked: true }],
  });
});

afterAll(async () => {
  await gw?.close();
});

describe("no or malformed credentials", () => {
  it("no credentials: 401 UNAUTHENTICATED with www-authenticate, nothing executed", async () => {
    const res = await expectRefused({}, { status: 401, code: "UNAUTHENTICATED", message: /Authentication required/ });
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="privacy-gateway"');
  });

  it("no credentials on a GET with a query: 401 as well", async () => {
    const before = gw.database.statements;
    const res = await fetch(`${gw.url}?query=${encodeURIComponent(STAFF_QUERY)}`);
    const text = await res.text();
    expect(res.status).toBe(401);
    expect(JSON.parse(text).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(gw.database.statements).toBe(before);
  });

  it("no credentials even for an introspection-only query: 401", async () => {
    await expectRefused({}, { status: 401, code: "UNAUTHENTICATED", message: /Authentication required/, query: "{ __typename }" });
  });

  it.each([
    ["Basic scheme", "Basic dXNlcjpwYXNz"],
    ["Bearer without a token", "Bearer "],
    ["Bearer with a non-JWT", "Bearer not-a-jwt"],
    ["token without a scheme", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"],
    ["two tokens", "Bearer a.b.c Bearer d.e.f"],
    ["four segments", "Bearer a.b.c.d"],
    ["an empty header", ""],
  ])("malformed Authorization header (%s): 401", async (_name, value) => {
    if (value.length > 8) remember(value);
    await expectRefused(
      { authorization: value },
      { status: 401, code: "UNAUTHENTICATED", message: /Authorization header must be `Bearer <JWT>`|Authentication required/ },
    );
  });

  it("a JWT-shaped value that is not a JWT: 401 malformed", async () => {
    const value = remember("Bearer aaaa.bbbb.cccc");
    await expectRefused({ authorization: value }, { status: 401, code: "UNAUTHENTICATED", message: /malformed/ });
  });
});

describe("bad bearer tokens", () => {
  it("a token signed with another secret: 401, signature does not verify", async () => {
    const token = await gw.token("support_agent", "staff-test", { secret: "another-secret-of-at-least-32-characters!!" });
    remember(token);
    await expectRefused(bearer(token), { status: 401, code: "UNAUTHENTICATED", message: /signature does not verify/ });
  });

  it("an expired token: 401, token has expired", async () => {
    const token = await signToken({ exp: nowSeconds() - 120 });
    await expectRefused(bearer(token), { status: 401, code: "UNAUTHENTICATED", message: /expired/ });
  });

  it("an expired token from the helper (negative lifetime): 401", async () => {
    const token = remember(await gw.token("support_agent", "staff-test", { expiresIn: "-2 minutes" }));
    await expectRefused(bearer(token), { status: 401, code: "UNAUTHENTICATED", message: /expired/ });
  });

  it("an unsigned token (alg: none): 401, algorithm not accepted", async () => {
    const payload = {
      role: "privacy_officer",
      sub: "staff-test",
      iss: gw.config.jwtIssuer,
      aud: gw.config.jwtAudience,
      iat: nowSeconds(),
      exp: nowSeconds() + 600,
    };
    const token = remember(`${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}.`);
    await expectRefused(bearer(token), { status: 401, code: "UNAUTHENTICATED", message: /algorithm is not accepted|malformed/ });
  });

  it("an unsigned token carrying a forged signature segment: 401", async () => {
    const payload = { role: "legal", sub: "staff-test", iss: gw.config.jwtIssuer, aud: gw.config.jwtAudience, exp: nowSeconds() + 600 };
    const token = remember(`${b64url({ alg: "none" })}.${b64url(payload)}.${Buffer.from("x").toString("base64url")}`);
    await expectRefused(bearer(token), { status: 401, code: "UNAUTHENTICATED", message: /algorithm is not accepted|malformed/ });
  });

  it("a token with a tampered payload (role raised after signing): 401", async () => {
    const token = await signToken({ role: "support_agent" });
    const [h, , s] = token.split(".");
    const forged = remember(
      `${h}.${b64url({ role: "privacy_officer", sub: "staff-test", iss: gw.config.jwtIssuer, aud: gw.config.jwtAudience, exp: nowSeconds() + 600 })}.${s}`,
    );
    await expectRefused(bearer(forged), { status: 401, code: "UNAUTHENTICATED", message: /signature does not verify/ });
  });

  it("a token from another issuer: 401 naming the iss claim", async () => {
    const token = await signToken({ issuer: "someone-else" });
    const res = await expectRefused(bearer(token), { status: 401, code: "UNAUTHENTICATED", message: /\biss\b claim is not accepted/ });
    expect(JSON.stringify(res.body)).not.toContain("someone-else");
  });

  it("a token for another audience: 401 naming the aud claim", async () => {
    const token = await signToken({ audience: "another-api" });
    const res = await expectRefused(bearer(token), { status: 401, code: "UNAUTHENTICATED", message: /\baud\b claim is not accepted/ });
    expect(JSON.stringify(res.body)).not.toContain("another-api");
  });

  it("a token without a subject: 401", async () => {
    const token = await signToken({ omitSub: true });
    await expectRefused(bearer(token), { status: 401, code: "UNAUTHENTICATED", message: /\bsub\b claim is not accepted|malformed/ });
  });

  it("a token with an unknown role: 401", async () => {
    const token = remember(await gw.token("janitor"));
    const res = await expectRefused(bearer(token), { status: 401, code: "UNAUTHENTICATED", message: /role is not one this gateway knows/ });
    expect(JSON.stringify(res.body)).not.toContain("janitor");
  });

  it("a token without a role: 401", async () => {
    const token = await signToken({ role: null });
    await expectRefused(bearer(token), { status: 401, code: "UNAUTHENTICATED", message: /role is not one this gateway knows/ });
  });

  it("a customer token whose sub is not a uuid: 401", async () => {
    const token = remember(await gw.token("customer", "not-a-uuid"));
    const res = await expectRefused(bearer(token), {
      status: 401,
      code: "UNAUTHENTICATED",
      message: /subject must be a customer id/,
      query: "{ me { id } }",
    });
    expect(JSON.stringify(res.body)).not.toContain("not-a-uuid");
  });

  it("a customer token whose sub is an upper-case uuid: 401 (ids are canonical lower case)", async () => {
    const token = remember(await gw.token("customer", activeCustomerId.toUpperCase()));
    await expectRefused(bearer(token), {
      status: 401,
      code: "UNAUTHENTICATED",
      message: /subject must be a customer id/,
      query: "{ me { id } }",
    });
  });
});

describe("a customer token for no customer", () => {
  it("is refused on every request, 401 UNKNOWN_SUBJECT, not answered as `me: null`", async () => {
    const token = remember(await gw.token("customer", crypto.randomUUID()));
    for (const query of [
      "{ me { id } }",
      "{ mySubjectRequests { id } }",
      "mutation M { fileSubjectRequest(kind: ACCESS) { id } }",
      "{ __schema { queryType { name } } }",
    ]) {
      await expectRefused(bearer(token), { status: 401, code: "UNKNOWN_SUBJECT", message: /no customer here/, sql: 1, query });
    }
  });

  it("looks a known customer up once, not on every request", async () => {
    const token = remember(await gw.token("customer", activeCustomerId));
    await send(bearer(token), "{ me { id } }");
    const before = gw.database.statements;
    const res = await send(bearer(token), "{ __typename }");
    expect(res.status).toBe(200);
    expect(gw.database.statements).toBe(before);
  });
});

describe("valid bearer tokens", () => {
  it("a valid staff token with an allowed purpose: 200 with data", async () => {
    const token = remember(await gw.token("support_agent"));
    const res = await send(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customers.totalCount).toBeGreaterThan(0);
  });

  it("a valid customer token works on { me { id } }", async () => {
    const token = remember(await gw.token("customer", activeCustomerId));
    const res = await send(bearer(token), "{ me { id } }");
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ me: { id: activeCustomerId } });
  });
});

describe("partner API keys", () => {
  it("an unknown key (well-formed): 401, nothing executed", async () => {
    const unknown = remember(generateApiKey().key);
    await expectRefused({ "x-api-key": unknown }, { status: 401, code: "UNAUTHENTICATED", message: /unknown or revoked/, sql: 1 });
  });

  it("a known key id with the wrong secret: 401, same message as an unknown key", async () => {
    const keyId = validPartnerKey.split("_")[1]!;
    const wrong = remember(formatApiKey(keyId, "A".repeat(32)));
    await expectRefused({ "x-api-key": wrong }, { status: 401, code: "UNAUTHENTICATED", message: /unknown or revoked/, sql: 1 });
  });

  it.each([
    ["no prefix", `abcdefghijkl_${"A".repeat(32)}`],
    ["short secret", "pk_abcdefghijkl_short"],
    ["upper-case key id", `pk_ABCDEFGHIJKL_${"A".repeat(32)}`],
    ["garbage", "let-me-in"],
    ["empty", ""],
  ])("a malformed key (%s): 401 before any SQL", async (_name, value) => {
    if (value.length > 3) remember(value);
    await expectRefused({ "x-api-key": value }, { status: 401, code: "UNAUTHENTICATED", message: /API key is malformed/ });
  });

  it("a revoked key: 401", async () => {
    await expectRefused({ "x-api-key": revokedKey }, { status: 401, code: "UNAUTHENTICATED", message: /unknown or revoked/, sql: 1 });
  });

  it("a key whose partner's grant expired: 403 GRANT_EXPIRED", async () => {
    const res = await expectRefused(
      { "x-api-key": expiredGrantKey },
      { status: 403, code: "GRANT_EXPIRED", message: /expired or not yet valid/, sql: 2 },
    );
    expect(res.headers.get("www-authenticate")).toBeNull();
  });

  it("a key whose partner's grant is not yet valid: 403 GRANT_EXPIRED", async () => {
    await expectRefused(
      { "x-api-key": futureGrantKey },
      { status: 403, code: "GRANT_EXPIRED", message: /expired or not yet valid/, sql: 2 },
    );
  });

  it("a key whose partner's only grant was revoked: 403 GRANT_REVOKED", async () => {
    await expectRefused({ "x-api-key": noGrantKey }, { status: 403, code: "GRANT_REVOKED", message: /grant was revoked/, sql: 2 });
  });

  it("a revoked grant and an expired one answer alike: 403, no www-authenticate, the same shape, a code of their own", async () => {
    const [revoked, expired] = [await send({ "x-api-key": noGrantKey }), await send({ "x-api-key": expiredGrantKey })];
    for (const res of [revoked, expired]) {
      expect(res.status).toBe(403);
      expect(res.headers.get("www-authenticate")).toBeNull();
      expect(Object.keys(res.body)).toEqual(["errors"]);
      expect(Object.keys(res.body.errors[0].extensions)).toEqual(["code"]);
    }
    expect([revoked.body.errors[0].extensions.code, expired.body.errors[0].extensions.code]).toEqual(["GRANT_REVOKED", "GRANT_EXPIRED"]);
  });

  it("a grant revoked within its validity, beside a later one to come: 403 GRANT_REVOKED", async () => {
    const now = Date.now();
    const key = await insertPartner({
      name: "revoked-then-scheduled",
      grants: [
        { from: new Date(now - DAY), until: new Date(now + 30 * DAY), revoked: true },
        { from: new Date(now + 10 * DAY), until: new Date(now + 60 * DAY) },
      ],
    });
    await expectRefused({ "x-api-key": key }, { status: 403, code: "GRANT_REVOKED", message: /grant was revoked/, sql: 2 });
  });

  it("both a bearer token and an API key: 401, neither is looked up", async () => {
    const token = remember(await gw.token("support_agent"));
    await expectRefused(
      { ...bearer(token), "x-api-key": validPartnerKey },
      { status: 401, code: "UNAUTHENTICATED", message: /either a bearer token or an API key, not both/ },
    );
  });

  it("a valid partner key with a purpose from its grant: 200", async () => {
    const res = await send({ "x-api-key": validPartnerKey });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(typeof res.body.data.customers.totalCount).toBe("number");
  });

  it("a valid partner key with a purpose outside its grant: 403 PURPOSE_NOT_ALLOWED", async () => {
    const res = await send({ "x-api-key": validPartnerKey }, "query Q @purpose(name: MARKETING) { customers(first: 2) { totalCount } }");
    expect(res.status).toBe(403);
    expect(res.body.errors[0].extensions.code).toBe("PURPOSE_NOT_ALLOWED");
  });
});

describe("credentials never leak", () => {
  it("no token or key appears in any response body", () => {
    const all = bodies.join("\n");
    for (const s of secrets) expect(all.includes(s), `a response echoed a credential of ${s.length} characters`).toBe(false);
    // The secret part alone must not appear either.
    for (const s of secrets) {
      const tail = s.startsWith("pk_") ? s.slice(-32) : s.split(".")[2];
      if (tail && tail.length >= 16) expect(all.includes(tail)).toBe(false);
    }
  });

  it("no token or key appears in the gateway's logs", async () => {
    await new Promise((r) => setTimeout(r, 50));
    expect(gw.logs.length).toBeGreaterThan(0);
    const logs = gw.logs.join("\n");
    for (const s of secrets) expect(logs.includes(s), `a log line holds a credential of ${s.length} characters`).toBe(false);
    for (const s of secrets) {
      const tail = s.startsWith("pk_") ? s.slice(-32) : s.split(".")[2];
      if (tail && tail.length >= 16) expect(logs.includes(tail)).toBe(false);
    }
    expect(logs).not.toContain(DEVELOPMENT_JWT_SECRET);
  });
});

describe("the auth scheme is case-insensitive (RFC 7235)", () => {
  it("accepts `bearer <jwt>` as `Bearer <jwt>`", async () => {
    const token = await gw.token("support_agent");
    const res = await gw.post(
      { query: "query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { totalCount } }" },
      { authorization: `bearer ${token}` },
    );
    expect(res.status).toBe(200);
    expect(res.body.data.customers.totalCount).toBeGreaterThan(0);
  });
});
