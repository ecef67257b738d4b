import { createHash } from "node:crypto";
import { count, eq } from "drizzle-orm";
import fc from "fast-check";
import { parse, print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customers, disclosureLog, partnerPersistedOperations } from "../../src/db/schema/index.js";
import { truncateAll } from "../../src/db/seed/seed.js";
import { expectNoInternals } from "../helpers/expectNoInternals.js";
import { partnerIdScope } from "../helpers/idScopes.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { admin } from "./support.js";

/**
 * Persisted operations and the partner allowlist (issue 5), over real HTTP: the privacy office
 * registers documents per partner and may hold a partner to them; requests use Apollo's APQ
 * format. No request ever registers an operation, and a held partner's unknown operation is
 * refused before execution, after authentication and one lookup.
 */

let gw: TestGateway;
let po: ReturnType<typeof admin>;
let partnerId: string;
let apiKey: string;
let otherKey: string;
let subjectId: string;
/** The partner's own (pairwise) id for that subject: what it sends and receives. */
let theirId: string;

/** What the hash covers, written here from docs/partners.md: SHA-256 (hex) of graphql-js's print of the parsed text. */
const hashOf = (text: string) =>
  createHash("sha256")
    .update(print(parse(text)))
    .digest("hex");
const apq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

const LOOKUP = `query Lookup($id: ID!) @purpose(name: CUSTOMER_SUPPORT) { customer(id: $id) { id profile { fullName email } } }`;
/** The same document, formatted differently and commented: the same operation. */
const LOOKUP_REFORMATTED = `# registered by the partner's build
query Lookup( $id : ID! ) @purpose( name : CUSTOMER_SUPPORT ) {
  customer(id: $id) {
    id,
    profile { fullName, email } # both categories are in the grant
  }
}`;
const OTHER = `query Page @purpose(name: CUSTOMER_SUPPORT) { customers(first: 3) { edges { node { id profile { fullName } } } } }`;

async function send(body: unknown, headers: Record<string, string>) {
  const res = await fetch(gw.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function sendGet(params: Record<string, string>, headers: Record<string, string>) {
  const url = new URL(gw.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  // As docs/partners.md has it: the API key alone, no preflight header of Apollo's.
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as any };
}

const asKey = (key: string) => ({ "x-api-key": key });

async function rows(table: typeof disclosureLog | typeof partnerPersistedOperations) {
  const [row] = await gw.database.db.select({ n: count() }).from(table);
  return row!.n;
}

/** Statements and rows of a refused request, against a request refused at the extension check (authentication and rate limit only). */
async function expectRefused(body: unknown, key: string, expected: { status: number; code: string; lookups: number }) {
  const baselineBefore = gw.database.statements;
  const baseline = await send({ query: LOOKUP, extensions: { persistedQuery: { version: 2, sha256Hash: "0" } } }, asKey(key));
  expect(baseline.body.errors[0].extensions.code).toBe("BAD_REQUEST");
  const authentication = gw.database.statements - baselineBefore;

  const disclosures = await rows(disclosureLog);
  const registered = await rows(partnerPersistedOperations);
  const before = gw.database.statements;
  const res = await send(body, asKey(key));
  const statements = gw.database.statements - before;
  expect(res.status, JSON.stringify(res.body)).toBe(expected.status);
  expect(res.body).not.toHaveProperty("data");
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors[0].extensions.code).toBe(expected.code);
  expectNoInternals(JSON.stringify(res.body));
  // Nothing beyond authentication, the rate limit and the allowlist lookup; nothing written.
  expect(statements).toBe(authentication + expected.lookups);
  expect(await rows(disclosureLog)).toBe(disclosures);
  expect(await rows(partnerPersistedOperations)).toBe(registered);
  return res;
}

const REGISTER = `mutation Register($input: RegisterPersistedOperationInput!) {
  registerPersistedOperation(input: $input) { partnerId sha256Hash document operationName registeredAt revokedAt }
}`;
const register = async (document: string, id = partnerId) =>
  (await po.ok(REGISTER, { input: { partnerId: id, document } })).registerPersistedOperation;
const hold = async (enabled: boolean) =>
  (
    await po.ok(
      "mutation Hold($id: ID!, $on: Boolean!) { setPersistedOperationsOnly(partnerId: $id, enabled: $on) { id persistedOperationsOnly } }",
      { id: partnerId, on: enabled },
    )
  ).setPersistedOperationsOnly;

beforeAll(async () => {
  gw = await startTestGateway({ customers: 20 });
  po = admin(gw);
  const spec = {
    purposes: ["CUSTOMER_SUPPORT"],
    categories: ["user.name", "user.contact"],
    subjectScope: "ALL" as const,
    regions: ["EU", "UK", "US", "CA", "CH", "BR"],
    transferBasis: "SCC-2021",
  };
  partnerId = await po.createPartner({ name: "Allowlisted Support", kind: "SERVICE_PROVIDER", region: "EU" });
  await po.createGrant(partnerId, spec);
  apiKey = (await po.issueKey(partnerId)).apiKey;
  const otherId = await po.createPartner({ name: "Another Support", kind: "SERVICE_PROVIDER", region: "EU" });
  await po.createGrant(otherId, spec);
  otherKey = (await po.issueKey(otherId)).apiKey;
  const [active] = await gw.database.db.select({ id: customers.id }).from(customers).where(eq(customers.status, "active")).limit(1);
  subjectId = active!.id;
  theirId = partnerIdScope(gw, partnerId, "customer_support").external(subjectId);
});
afterAll(async () => {
  await gw?.close();
});

describe("registration by the privacy office", () => {
  it("stores the normalised document under the SHA-256 of that text; formatting and comments do not make another operation", async () => {
    const registered = await register(LOOKUP_REFORMATTED);
    expect(registered).toMatchObject({
      partnerId,
      sha256Hash: hashOf(LOOKUP),
      document: print(parse(LOOKUP)),
      operationName: "Lookup",
      revokedAt: null,
    });
    expect(registered.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await register(LOOKUP)).toEqual(registered);
    const stored = await gw.database.db
      .select()
      .from(partnerPersistedOperations)
      .where(eq(partnerPersistedOperations.partnerId, partnerId));
    expect(stored).toHaveLength(1);
    expect(createHash("sha256").update(stored[0]!.document).digest("hex")).toBe(stored[0]!.sha256);

    const data = await po.ok(
      "query Partners { partners { id persistedOperationsOnly persistedOperations { sha256Hash operationName revokedAt } } }",
    );
    const listed = data.partners.find((p: { id: string }) => p.id === partnerId);
    expect(listed).toEqual({
      id: partnerId,
      persistedOperationsOnly: false,
      persistedOperations: [{ sha256Hash: hashOf(LOOKUP), operationName: "Lookup", revokedAt: null }],
    });
  });

  it.each([
    ["a document that does not parse", "query { customer(id: ", /document/],
    ["two operations", `${LOOKUP} ${OTHER}`, /exactly one operation/],
    ["an unknown field", 'query X @purpose(name: CUSTOMER_SUPPORT) { customer(id: "x") { passwordHash } }', /valid against the schema/],
  ])("refuses %s with BAD_USER_INPUT and writes nothing", async (_name, document, expected) => {
    const before = await rows(partnerPersistedOperations);
    const res = await po.run(REGISTER, { input: { partnerId, document } });
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(res.body.errors[0].extensions.invalid[0].field).toBe("document");
    expect(res.body.errors[0].extensions.invalid[0].expected).toMatch(expected);
    expect(await rows(partnerPersistedOperations)).toBe(before);
  });

  it("refuses an unknown partner, and every caller but the privacy office", async () => {
    const unknown = await po.run(REGISTER, { input: { partnerId: "00000000-0000-4000-8000-000000000000", document: LOOKUP } });
    expect(unknown.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const asSupport = REGISTER.replace("!) {", "!) @purpose(name: CUSTOMER_SUPPORT) {");
    const support = await gw.post(
      { query: asSupport, variables: { input: { partnerId, document: OTHER } } },
      bearer(await gw.token("support_agent")),
    );
    expect(support.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const partner = await send({ query: asSupport, variables: { input: { partnerId, document: OTHER } } }, asKey(apiKey));
    expect(partner.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const holdSelf = await send(
      {
        query: `mutation @purpose(name: CUSTOMER_SUPPORT) { setPersistedOperationsOnly(partnerId: "${partnerId}", enabled: false) { id } }`,
      },
      asKey(apiKey),
    );
    expect(holdSelf.body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect(await rows(partnerPersistedOperations)).toBe(1);
  });
});

describe("a partner not held to an allowlist", () => {
  it("runs the text, the text with its hash, and a registered hash alone (the registered document)", async () => {
    const variables = { id: theirId };
    const plain = await send({ query: OTHER }, asKey(apiKey));
    expect(plain.status).toBe(200);
    expect(plain.body.data.customers.edges.length).toBeGreaterThan(0);

    const both = await send({ query: LOOKUP_REFORMATTED, variables, extensions: apq(hashOf(LOOKUP)) }, asKey(apiKey));
    expect(both.status).toBe(200);
    expect(both.body.data.customer.id).toBe(theirId);

    const disclosures = await rows(disclosureLog);
    const byHash = await send({ variables, extensions: apq(hashOf(LOOKUP)) }, asKey(apiKey));
    expect(byHash.status).toBe(200);
    expect(byHash.body.errors).toBeUndefined();
    expect(byHash.body.data.customer).toEqual(both.body.data.customer);
    expect(await rows(disclosureLog)).toBe(disclosures + 1);
  });

  it("answers an unknown hash alone with 404 PERSISTED_QUERY_NOT_FOUND, a wrong hash with 400, a malformed extension with 400", async () => {
    await expectRefused({ extensions: apq(hashOf(OTHER)) }, apiKey, { status: 404, code: "PERSISTED_QUERY_NOT_FOUND", lookups: 1 });
    await expectRefused({ query: OTHER, extensions: apq(hashOf(LOOKUP)) }, apiKey, {
      status: 400,
      code: "PERSISTED_QUERY_HASH_MISMATCH",
      lookups: 0,
    });
    await expectRefused({ query: OTHER, extensions: { persistedQuery: { version: 1, sha256Hash: "abc" } } }, apiKey, {
      status: 400,
      code: "BAD_REQUEST",
      lookups: 0,
    });
  });

  it("cannot register through APQ: a text sent with its hash runs, and its hash alone is still unknown", async () => {
    const before = await rows(partnerPersistedOperations);
    const first = await send({ query: OTHER, extensions: apq(hashOf(OTHER)) }, asKey(apiKey));
    expect(first.status).toBe(200);
    expect(first.body.data.customers.edges.length).toBeGreaterThan(0);
    const again = await send({ extensions: apq(hashOf(OTHER)) }, asKey(apiKey));
    expect(again.status).toBe(404);
    expect(again.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(await rows(partnerPersistedOperations)).toBe(before);
  });

  it("keeps registrations to their partner; customers and staff have none but may send a text with its hash", async () => {
    const other = await send({ variables: { id: subjectId }, extensions: apq(hashOf(LOOKUP)) }, asKey(otherKey));
    expect(other.status).toBe(404);
    expect(other.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");

    const staff = bearer(await gw.token("support_agent"));
    const staffByHash = await send({ variables: { id: subjectId }, extensions: apq(hashOf(LOOKUP)) }, staff);
    expect(staffByHash.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const staffBoth = await send({ query: LOOKUP, variables: { id: subjectId }, extensions: apq(hashOf(LOOKUP)) }, staff);
    expect(staffBoth.status).toBe(200);
    expect(staffBoth.body.data.customer.id).toBe(subjectId);

    const me = bearer(await gw.token("customer", subjectId));
    const mine = "query Mine { me { id profile { fullName } } }";
    const customerBoth = await send({ query: mine, extensions: apq(hashOf(mine)) }, me);
    expect(customerBoth.body.data.me.id).toBe(subjectId);
  });
});

describe("a partner held to its allowlist", () => {
  beforeAll(async () => {
    expect(await hold(true)).toEqual({ id: partnerId, persistedOperationsOnly: true });
  });

  it("runs a registered operation sent by hash (POST and GET), by text in any formatting, or both", async () => {
    const variables = { id: theirId };
    const answers = [
      await send({ variables, extensions: apq(hashOf(LOOKUP)) }, asKey(apiKey)),
      await send({ query: LOOKUP_REFORMATTED, variables }, asKey(apiKey)),
      await send({ query: LOOKUP, variables, extensions: apq(hashOf(LOOKUP)) }, asKey(apiKey)),
      await sendGet({ variables: JSON.stringify(variables), extensions: JSON.stringify(apq(hashOf(LOOKUP))) }, asKey(apiKey)),
    ];
    for (const res of answers) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.customer.id).toBe(theirId);
      expect(typeof res.body.data.customer.profile.fullName).toBe("string");
    }
  });

  it("refuses anything else with 403 PERSISTED_OPERATION_NOT_ALLOWED after authentication and one lookup", async () => {
    const refused = { status: 403, code: "PERSISTED_OPERATION_NOT_ALLOWED", lookups: 1 };
    const res = await expectRefused({ query: OTHER }, apiKey, refused);
    expect(res.body.errors[0].extensions.sha256Hash).toBe(hashOf(OTHER));
    await expectRefused({ extensions: apq(hashOf(OTHER)) }, apiKey, refused);
    await expectRefused({ query: "{ myGrant { purposes } }" }, apiKey, refused);
    await expectRefused({ query: "query { customer(id: " }, apiKey, refused);
    await expectRefused([{ query: LOOKUP, variables: { id: theirId } }], apiKey, refused);
    // A registered hash with another text is a mismatch, refused before the lookup.
    await expectRefused({ query: OTHER, extensions: apq(hashOf(LOOKUP)) }, apiKey, {
      status: 400,
      code: "PERSISTED_QUERY_HASH_MISMATCH",
      lookups: 0,
    });
    // The other partner, not held, is not affected.
    expect((await send({ query: OTHER }, asKey(otherKey))).status).toBe(200);
  });

  it("cannot register through APQ: a text with its own correct hash is refused, and stays refused", async () => {
    const refused = { status: 403, code: "PERSISTED_OPERATION_NOT_ALLOWED", lookups: 1 };
    await expectRefused({ query: OTHER, extensions: apq(hashOf(OTHER)) }, apiKey, refused);
    await expectRefused({ extensions: apq(hashOf(OTHER)) }, apiKey, refused);
  });

  it("accepts exactly the registered document, whatever its formatting (generated cases)", async () => {
    const registered = ["fullName", "email"];
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(["fullName", "email", "phone", "username"], { minLength: 1 }),
        fc.constantFrom(" ", "\n", " , ", "\t", " # note\n"),
        fc.boolean(),
        async (fields, gap, sendHash) => {
          const text = `query Lookup($id: ID!)${gap}@purpose(name: CUSTOMER_SUPPORT)${gap}{${gap}customer(id: $id)${gap}{ id${gap}profile${gap}{${gap}${fields.join(gap)}${gap}}${gap}}${gap}}`;
          const body = { query: text, variables: { id: theirId }, ...(sendHash ? { extensions: apq(hashOf(text)) } : {}) };
          const res = await send(body, asKey(apiKey));
          const allowed = fields.join() === registered.join();
          expect(res.status).toBe(allowed ? 200 : 403);
          if (allowed) expect(res.body.data.customer.id).toBe(theirId);
          else expect(res.body.errors[0].extensions.code).toBe("PERSISTED_OPERATION_NOT_ALLOWED");
        },
      ),
      { seed: 5, numRuns: 30 },
    );
  });

  it("stops running a revoked operation at once, and runs it again once registered again", async () => {
    const revoke =
      "mutation Revoke($id: ID!, $h: String!) { revokePersistedOperation(partnerId: $id, sha256Hash: $h) { sha256Hash revokedAt } }";
    const revoked = (await po.ok(revoke, { id: partnerId, h: hashOf(LOOKUP) })).revokePersistedOperation;
    expect(revoked.revokedAt).not.toBeNull();
    await expectRefused({ variables: { id: theirId }, extensions: apq(hashOf(LOOKUP)) }, apiKey, {
      status: 403,
      code: "PERSISTED_OPERATION_NOT_ALLOWED",
      lookups: 1,
    });
    expect((await po.ok(revoke, { id: partnerId, h: hashOf(LOOKUP) })).revokePersistedOperation.revokedAt).toBe(revoked.revokedAt);
    const unknown = await po.run(revoke, { id: partnerId, h: hashOf(OTHER) });
    expect(unknown.body.errors[0].extensions.code).toBe("NOT_FOUND");

    expect((await register(LOOKUP)).revokedAt).toBeNull();
    const res = await send({ variables: { id: theirId }, extensions: apq(hashOf(LOOKUP)) }, asKey(apiKey));
    expect(res.status).toBe(200);
    expect(res.body.data.customer.id).toBe(theirId);
  });

  it("released, the partner runs any operation again", async () => {
    expect(await hold(false)).toEqual({ id: partnerId, persistedOperationsOnly: false });
    const res = await send({ query: OTHER }, asKey(apiKey));
    expect(res.status).toBe(200);
    expect(res.body.data.customers.edges.length).toBeGreaterThan(0);
  });
});

describe("seed --reset", () => {
  it("empties the registered operations with every other table", async () => {
    expect(await rows(partnerPersistedOperations)).toBeGreaterThan(0);
    await truncateAll(gw.database.db);
    expect(await rows(partnerPersistedOperations)).toBe(0);
  });
});
