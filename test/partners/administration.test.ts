import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKeySecret, parseApiKey } from "../../src/db/apiKeys.js";
import { customers, partnerGrants, partnerKeys, partners } from "../../src/db/schema/index.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { admin, asPartner, myGrantQuery, PARTNER_FIELDS } from "./support.js";

/**
 * The privacy office administers partners through the API (DESIGN.md section 6): partners, API
 * keys shown once and stored hashed, grants validated as a whole; every other caller is refused.
 */

let gw: TestGateway;
let po: ReturnType<typeof admin>;
const DAY = 86_400_000;

beforeAll(async () => {
  gw = await startTestGateway({ customers: 20 });
  po = admin(gw);
});
afterAll(async () => {
  await gw?.close();
});

async function rowCounts() {
  const db = gw.database.db;
  const [p] = await db.select({ n: count() }).from(partners);
  const [k] = await db.select({ n: count() }).from(partnerKeys);
  const [g] = await db.select({ n: count() }).from(partnerGrants);
  return { partners: p!.n, keys: k!.n, grants: g!.n };
}

describe("a key issued, then used", () => {
  it("creates a partner, issues a key shown once, grants it, and the key authenticates as that partner", async () => {
    const partnerId = await po.createPartner({
      name: "Acme Fulfilment",
      kind: "SERVICE_PROVIDER",
      region: "EU",
      contractRef: "DPA-2026-100",
    });
    const issued = await po.issueKey(partnerId);
    expect(issued.apiKey).toMatch(/^pk_[a-z0-9]{12}_[A-Za-z0-9_-]{32}$/);
    const parsed = parseApiKey(issued.apiKey)!;
    expect(parsed.keyId).toBe(issued.keyId);

    // Only the SHA-256 of the secret is stored: never the key, never the secret.
    const [row] = await gw.database.db.select().from(partnerKeys).where(eq(partnerKeys.id, issued.keyId));
    expect(row!.secretHash).toBe(hashApiKeySecret(parsed.secret));
    expect(JSON.stringify(row)).not.toContain(parsed.secret);

    // No grant yet: the key authenticates nothing.
    const before = await asPartner(gw, issued.apiKey, myGrantQuery("CUSTOMER_SUPPORT"));
    expect(before.status).toBe(401);
    expect(before.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");

    const validUntil = new Date(Date.now() + 90 * DAY);
    const grant = await po.createGrant(partnerId, {
      purposes: ["CUSTOMER_SUPPORT", "SERVICE_DELIVERY"],
      categories: ["user.name", "user.contact"],
      subjectScope: "LINKED",
      regions: ["EU", "UK"],
      transferBasis: "SCC-2021",
      validUntil,
      requestsPerMinute: 250,
    });
    expect(grant).toMatchObject({ partnerId, status: "ACTIVE", revokedAt: null, requestsPerMinute: 250, subjectScope: "LINKED" });

    const res = await asPartner(gw, issued.apiKey, myGrantQuery("CUSTOMER_SUPPORT"));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.myGrant).toEqual({
      partnerId,
      partnerKind: "SERVICE_PROVIDER",
      partnerRegion: "EU",
      keyId: issued.keyId,
      grantId: grant.id,
      purposes: ["CUSTOMER_SUPPORT", "SERVICE_DELIVERY"],
      categories: ["user.name", "user.contact"],
      subjectScope: "LINKED",
      regions: ["EU", "UK"],
      transferBasis: "SCC-2021",
      validFrom: grant.validFrom,
      validUntil: validUntil.toISOString(),
      requestsPerMinute: 250,
    });
  });

  it("the partners query lists keys (id, created, revoked) and grants, never a key or its hash", async () => {
    const partnerId = await po.createPartner({ name: "Shown Once Ltd", kind: "AFFILIATE", region: "UK" });
    const first = await po.issueKey(partnerId);
    const second = await po.issueKey(partnerId);
    await po.createGrant(partnerId, { purposes: ["MARKETING"], categories: ["user.name"], subjectScope: "CONSENTED", regions: ["UK"] });
    const data = await po.ok(`query Partners { partners { ${PARTNER_FIELDS} } }`);
    const listed = data.partners.find((p: { id: string }) => p.id === partnerId);
    expect(listed).toMatchObject({ name: "Shown Once Ltd", kind: "AFFILIATE", region: "UK" });
    expect(listed.keys.map((k: { id: string }) => k.id).sort()).toEqual([first.keyId, second.keyId].sort());
    expect(
      listed.keys.every((k: { revokedAt: unknown; createdAt: unknown }) => k.revokedAt === null && typeof k.createdAt === "string"),
    ).toBe(true);
    expect(listed.grants).toHaveLength(1);
    // The seeded partners are listed too.
    expect(data.partners.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["Northwind Rewards", "Contoso Support Services", "Fabrikam Ad Network"]),
    );

    const text = JSON.stringify(data);
    for (const key of [first, second]) {
      const { secret } = parseApiKey(key.apiKey)!;
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashApiKeySecret(secret));
    }
    // No field of the schema exposes the hash.
    const probe = await po.run("query Probe { partners { keys { secretHash } } }");
    expect(probe.status).toBe(400);
    expect(probe.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const introspection = await gw.post(
      { query: '{ __type(name: "PartnerApiKey") { fields { name } } }' },
      bearer(await gw.token("privacy_officer")),
    );
    expect(introspection.body.data.__type.fields.map((f: { name: string }) => f.name).sort()).toEqual([
      "createdAt",
      "id",
      "partnerId",
      "revokedAt",
    ]);
  });

  it("several keys per partner rotate: a revoked key gets 401 UNAUTHENTICATED, the other keeps working", async () => {
    const partnerId = await po.createPartner({ kind: "AFFILIATE", region: "EU" });
    await po.createGrant(partnerId, { purposes: ["MARKETING"], categories: ["user.name"], regions: ["EU"] });
    const oldKey = await po.issueKey(partnerId);
    const newKey = await po.issueKey(partnerId);
    expect((await asPartner(gw, oldKey.apiKey, myGrantQuery("MARKETING"))).status).toBe(200);

    const revoked = await po.revokeKey(oldKey.keyId);
    expect(revoked.id).toBe(oldKey.keyId);
    expect(typeof revoked.revokedAt).toBe("string");
    // Idempotent: the first revocation time stays.
    expect((await po.revokeKey(oldKey.keyId)).revokedAt).toBe(revoked.revokedAt);

    const refused = await asPartner(gw, oldKey.apiKey, myGrantQuery("MARKETING"));
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(refused.body).not.toHaveProperty("data");
    const still = await asPartner(gw, newKey.apiKey, myGrantQuery("MARKETING"));
    expect(still.status).toBe(200);
    expect(still.body.data.myGrant.keyId).toBe(newKey.keyId);

    const unknown = await po.run('mutation R { revokeApiKey(keyId: "zzzzzzzzzzzz") { id } }');
    expect(unknown.body.errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("a revoked grant stops the partner at once", async () => {
    const partnerId = await po.createPartner({ kind: "SERVICE_PROVIDER", region: "US" });
    const grant = await po.createGrant(partnerId, { purposes: ["CUSTOMER_SUPPORT"], categories: ["user.name"], regions: ["US"] });
    const key = await po.issueKey(partnerId);
    expect((await asPartner(gw, key.apiKey, myGrantQuery("CUSTOMER_SUPPORT"))).status).toBe(200);
    const revoked = await po.revokeGrant(grant.id);
    expect(revoked).toMatchObject({ id: grant.id, status: "REVOKED" });
    const res = await asPartner(gw, key.apiKey, myGrantQuery("CUSTOMER_SUPPORT"));
    expect(res.status).toBe(403);
    expect(res.body.errors[0].extensions.code).toBe("GRANT_REVOKED");
    expect(res.body).not.toHaveProperty("data");
  });
});

describe("grant validity", () => {
  it("a not-yet-valid grant: 403 GRANT_EXPIRED, nothing executed", async () => {
    const partnerId = await po.createPartner({ kind: "AFFILIATE", region: "EU" });
    await po.createGrant(partnerId, {
      purposes: ["MARKETING"],
      categories: ["user.name"],
      regions: ["EU"],
      validFrom: new Date(Date.now() + DAY),
      validUntil: new Date(Date.now() + 60 * DAY),
    });
    const key = await po.issueKey(partnerId);
    const res = await asPartner(gw, key.apiKey, myGrantQuery("MARKETING"));
    expect(res.status).toBe(403);
    expect(res.body.errors[0].extensions.code).toBe("GRANT_EXPIRED");
    expect(res.body).not.toHaveProperty("data");
    const listed = await po.ok(`query P { partners { ${PARTNER_FIELDS} } }`);
    expect(listed.partners.find((p: { id: string }) => p.id === partnerId).grants[0].status).toBe("SCHEDULED");
  });

  it("an expired grant: 403 GRANT_EXPIRED, nothing executed", async () => {
    const partnerId = await po.createPartner({ kind: "AFFILIATE", region: "EU" });
    const validUntil = new Date(Date.now() + 1500);
    await po.createGrant(partnerId, { purposes: ["MARKETING"], categories: ["user.name"], regions: ["EU"], validUntil });
    const key = await po.issueKey(partnerId);
    expect((await asPartner(gw, key.apiKey, myGrantQuery("MARKETING"))).status).toBe(200);
    await new Promise((r) => setTimeout(r, validUntil.getTime() - Date.now() + 50));
    const res = await asPartner(gw, key.apiKey, myGrantQuery("MARKETING"));
    expect(res.status).toBe(403);
    expect(res.body.errors[0].extensions.code).toBe("GRANT_EXPIRED");
    expect(res.body).not.toHaveProperty("data");
    const listed = await po.ok(`query P { partners { ${PARTNER_FIELDS} } }`);
    expect(listed.partners.find((p: { id: string }) => p.id === partnerId).grants[0].status).toBe("EXPIRED");
  });
});

describe("validation: BAD_USER_INPUT naming the fields, nothing written", () => {
  const fieldsOf = (res: { body: any }) => res.body.errors[0].extensions.invalid.map((i: { field: string }) => i.field).sort();

  it("createPartner", async () => {
    const before = await rowCounts();
    const res = await po.run("mutation C($input: CreatePartnerInput!) { createPartner(input: $input) { id } }", {
      input: { name: "   ", kind: "THIRD_PARTY", region: "europe", contractRef: "X" },
    });
    expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(fieldsOf(res)).toEqual(["name", "region"]);
    expect(await rowCounts()).toEqual(before);
  });

  it("createGrant: unknown category prefixes, regions, dates, rate limit, partner", async () => {
    const partnerId = await po.createPartner({ kind: "THIRD_PARTY", region: "US" });
    const before = await rowCounts();
    const grant = (input: Record<string, unknown>) =>
      po.run("mutation G($input: CreateGrantInput!) { createGrant(input: $input) { id } }", {
        input: {
          partnerId,
          purposes: ["ADVERTISING"],
          categories: ["user.device"],
          subjectScope: "CONSENTED",
          regions: ["US"],
          validFrom: new Date(Date.now() - DAY).toISOString(),
          validUntil: new Date(Date.now() + DAY).toISOString(),
          requestsPerMinute: 60,
          ...input,
        },
      });
    const bad = await grant({
      categories: ["user.contacts", "user.device", "user.name.first", "customer"],
      regions: ["us"],
      transferBasis: " ",
      validFrom: new Date(Date.now() + 2 * DAY).toISOString(),
      requestsPerMinute: 0,
      purposes: [],
    });
    expect(bad.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(fieldsOf(bad)).toEqual(["categories", "purposes", "regions", "requestsPerMinute", "transferBasis", "validUntil"]);
    const categories = bad.body.errors[0].extensions.invalid.find((i: { field: string }) => i.field === "categories");
    // The unknown ones by position: an error never quotes the input.
    expect(categories.expected).toMatch(/not: categories\[0\], categories\[2\], categories\[3\]$/);
    expect(categories.expected).not.toMatch(/user\.(contacts|device|name)|customer/);

    const past = await grant({
      validFrom: new Date(Date.now() - 3 * DAY).toISOString(),
      validUntil: new Date(Date.now() - DAY).toISOString(),
    });
    expect(fieldsOf(past)).toEqual(["validUntil"]);

    const nobody = await grant({ partnerId: "00000000-0000-4000-8000-000000000000" });
    expect(nobody.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(fieldsOf(nobody)).toEqual(["partnerId"]);
    expect(await rowCounts()).toEqual(before);

    // A broad prefix that covers known categories is fine.
    const broad = await grant({ categories: ["user"] });
    expect(broad.body.errors).toBeUndefined();
    expect((await rowCounts()).grants).toBe(before.grants + 1);
  });

  it("issueApiKey for an unknown partner", async () => {
    const before = await rowCounts();
    const res = await po.run('mutation I { issueApiKey(partnerId: "00000000-0000-4000-8000-000000000000") { apiKey } }');
    expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(res.body.data).toBeNull();
    expect(await rowCounts()).toEqual(before);
  });
});

describe("only the privacy office administers partners", () => {
  const OTHER_ROLES: Array<[string, string]> = [
    ["support_agent", "CUSTOMER_SUPPORT"],
    ["billing", "PAYMENTS"],
    ["fraud_analyst", "FRAUD_PREVENTION"],
    ["marketing_analyst", "MARKETING"],
    ["legal", "LEGAL_COMPLIANCE"],
  ];
  const CREATE = (purpose: string) =>
    `mutation C($input: CreatePartnerInput!) @purpose(name: ${purpose}) { createPartner(input: $input) { id } }`;
  const input = { name: "Sneaky", kind: "THIRD_PARTY", region: "US", contractRef: "NONE" };

  it.each(OTHER_ROLES)("%s: FORBIDDEN on every partner operation, nothing written", async (role, purpose) => {
    const headers = bearer(await gw.token(role));
    const before = await rowCounts();
    const [seeded] = await gw.database.db.select({ id: partners.id }).from(partners).limit(1);
    const ops: Array<[string, Record<string, unknown>]> = [
      [CREATE(purpose), { input }],
      [`query P @purpose(name: ${purpose}) { partners { id keys { id } } }`, {}],
      [`mutation I($id: ID!) @purpose(name: ${purpose}) { issueApiKey(partnerId: $id) { apiKey } }`, { id: seeded!.id }],
      [`mutation R @purpose(name: ${purpose}) { revokeApiKey(keyId: "abcdefabcdef") { id } }`, {}],
      [`mutation G @purpose(name: ${purpose}) { revokeGrant(grantId: "00000000-0000-4000-8000-000000000000") { id } }`, {}],
      [`query M @purpose(name: ${purpose}) { myGrant { grantId } }`, {}],
    ];
    for (const [query, variables] of ops) {
      const res = await gw.post({ query, variables }, headers);
      expect(res.body.errors?.[0]?.extensions?.code, query).toBe("FORBIDDEN");
      expect(res.body.data ?? null).toBeNull();
    }
    expect(await rowCounts()).toEqual(before);
  });

  it("a customer and a partner: FORBIDDEN", async () => {
    const before = await rowCounts();
    const [someone] = await gw.database.db.select({ id: customers.id }).from(customers).limit(1);
    const customer = await gw.post(
      { query: CREATE("ACCOUNT_MANAGEMENT"), variables: { input } },
      bearer(await gw.token("customer", someone!.id)),
    );
    expect(customer.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const partnerId = await po.createPartner({ kind: "AFFILIATE", region: "EU" });
    await po.createGrant(partnerId, { purposes: ["MARKETING"], categories: ["user.name"], regions: ["EU"] });
    const key = await po.issueKey(partnerId);
    const after = await rowCounts();
    const partner = await asPartner(gw, key.apiKey, CREATE("MARKETING"), { input });
    expect(partner.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const list = await asPartner(gw, key.apiKey, "query P @purpose(name: MARKETING) { partners { id } }");
    expect(list.body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect(await rowCounts()).toEqual(after);
    expect(after.partners).toBe(before.partners + 1);
  });

  it("the privacy office may declare subject_request too (these operations read no personal data)", async () => {
    const res = await gw.post(
      { query: "query P @purpose(name: SUBJECT_REQUEST) { partners { id } }" },
      bearer(await gw.token("privacy_officer")),
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.partners.length).toBeGreaterThan(0);
  });
});
