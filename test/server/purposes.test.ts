import { readFileSync } from "node:fs";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disclosureLog } from "../../src/db/schema/index.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";
import { STAFF_ROLES } from "../../src/policy/roles.js";
import { admin, asPartner } from "../partners/support.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

/**
 * How a request comes to its purpose, over HTTP: a role or grant with one purpose defaults to it;
 * an operation that reads no personal data and no subject needs none; the header takes either
 * spelling; messages and `allowedPurposes` spell purposes as the GraphQL enum does.
 */

const PARTNERS_DOC = readFileSync(new URL("../../docs/partners.md", import.meta.url), "utf8");
const PAGE = "{ customers(first: 2) { totalCount edges { node { id } } } }";

let gw: TestGateway;
let po: ReturnType<typeof admin>;
const staff = async (role: string) => bearer(await gw.token(role));
const demoKey = (name: string) => gw.seeded.apiKeys.find((k) => k.partnerName === name)!.apiKey;
const recorded = async () => (await gw.database.db.select({ n: count() }).from(disclosureLog))[0]!.n;

beforeAll(async () => {
  gw = await startTestGateway({ customers: 30 });
  po = admin(gw);
});
afterAll(async () => {
  await gw?.close();
});

describe("a caller with one purpose need not declare it", () => {
  it.each(STAFF_ROLES)("%s: its only purpose is assumed, or PURPOSE_REQUIRED listing its purposes in the enum's spelling", async (role) => {
    const own = DEFAULT_POLICY.roles[role];
    const res = await gw.post({ query: PAGE }, await staff(role));
    if (own.length === 1) {
      expect(res.status, JSON.stringify(res.body.errors)).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.customers.edges.length).toBeGreaterThan(0);
      expect(res.body.extensions.privacy.purpose).toBe(own[0]);
    } else {
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe("PURPOSE_REQUIRED");
      expect(res.body.errors[0].extensions.allowedPurposes).toEqual(own.map((p) => p.toUpperCase()));
    }
  });

  it("billing reads card data with no x-purpose, as payments", async () => {
    const res = await gw.post(
      { query: "{ customers(first: 3) { edges { node { paymentMethods { brand lastFour cardToken } } } } }" },
      await staff("billing"),
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.extensions.privacy.purpose).toBe("payments");
  });

  it("a partner whose grant has one purpose defaults to it (the demo partners)", async () => {
    for (const [name, purpose] of [
      ["Northwind Rewards", "marketing"],
      ["Contoso Support Services", "customer_support"],
    ] as const) {
      const res = await asPartner(gw, demoKey(name), "{ customers(first: 5) { edges { node { profile { fullName } } } } }");
      expect(res.status, name).toBe(200);
      expect(res.body.errors, name).toBeUndefined();
      if (res.body.data.customers.edges.length > 0) expect(res.body.extensions.privacy.purpose, name).toBe(purpose);
    }
  });
});

describe("an operation that reads no personal data needs no purpose", () => {
  it("`myGrant` as docs/partners.md shows it, from a partner with two purposes: answered, nothing recorded", async () => {
    const query = /partner asks `(\{ myGrant \{[^`]*\} \})`/.exec(PARTNERS_DOC)?.[1];
    expect(query).toBeDefined();
    const partnerId = await po.createPartner({ kind: "AFFILIATE", region: "EU" });
    await po.createGrant(partnerId, { purposes: ["MARKETING", "PERSONALIZATION"], categories: ["user.name"], regions: ["EU"] });
    const key = await po.issueKey(partnerId);
    const before = await recorded();
    const res = await asPartner(gw, key.apiKey, query!);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.myGrant.purposes).toEqual(["MARKETING", "PERSONALIZATION"]);
    expect(res.body.extensions?.privacy).toBeUndefined();
    expect(await recorded()).toBe(before);
  });

  it("the privacy office administers partners without declaring a purpose", async () => {
    const officer = await staff("privacy_officer");
    const created = await gw.post(
      {
        query:
          'mutation { createPartner(input: { name: "Acme Analytics", kind: SERVICE_PROVIDER, region: "EU", contractRef: "DPA-2026-101" }) { id } }',
      },
      officer,
    );
    expect(created.body.errors).toBeUndefined();
    const listed = await gw.post({ query: "{ partners { id name } }" }, officer);
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data.partners.map((p: { id: string }) => p.id)).toContain(created.body.data.createPartner.id);
  });

  it.each([
    ["a page's count alone", "{ customers(first: 1) { totalCount } }"],
    ["a subject's id", "{ customers(first: 1) { edges { node { id } } } }"],
    ["the disclosure log", "{ disclosureLog(first: 1) { at } }"],
    ["data-subject requests", "{ subjectRequests(first: 1) { kind } }"],
    [
      "an explanation about a subject",
      '{ explainAccess(coordinate: "Profile.email", subjectId: "00000000-0000-4000-8000-000000000001") { effect } }',
    ],
    ["an access report", '{ accessReport(requestId: "00000000-0000-4000-8000-000000000001") { generatedAt } }'],
    ["a mutation on a subject's request", 'mutation { verifySubjectRequest(id: "00000000-0000-4000-8000-000000000001") { state } }'],
    ["a personal field beside a partner field", "{ partners { id } customers(first: 1) { edges { node { profile { email } } } } }"],
  ])("one that reaches a subject does: %s, PURPOSE_REQUIRED before any SQL", async (_name, query) => {
    const officer = await staff("privacy_officer");
    const before = gw.database.statements;
    const res = await gw.post({ query }, officer);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe("PURPOSE_REQUIRED");
    expect(res.body.errors[0].extensions.allowedPurposes).toEqual(["SUBJECT_REQUEST", "LEGAL_COMPLIANCE"]);
    expect(gw.database.statements).toBe(before);
  });
});

describe("purpose spelling", () => {
  it("the x-purpose header takes the enum's spelling and the snake case alike", async () => {
    for (const header of ["CUSTOMER_SUPPORT", "customer_support"]) {
      const res = await gw.post({ query: PAGE }, { ...(await staff("support_agent")), "x-purpose": header });
      expect(res.status, header).toBe(200);
      expect(res.body.extensions.privacy.purpose).toBe("customer_support");
    }
  });

  it("refusals name purposes as the enum does, in the message and in allowedPurposes", async () => {
    const notAllowed = await gw.post({ query: PAGE }, { ...(await staff("billing")), "x-purpose": "marketing" });
    expect(notAllowed.body.errors[0]).toMatchObject({
      message: "The purpose MARKETING is not among those your role or grant allows.",
      extensions: { code: "PURPOSE_NOT_ALLOWED", allowedPurposes: ["PAYMENTS"] },
    });
    const forbidden = await gw.post({ query: "{ customers(first: 1) { edges { node { messages { body } } } } }" }, await staff("billing"));
    expect(forbidden.body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN", purpose: "PAYMENTS" });
    expect(forbidden.body.errors[0].message).toMatch(/can never read for PAYMENTS\.$/);
    const purge = await gw.post(
      { query: "mutation @purpose(name: SUBJECT_REQUEST) { runRetentionPurge(dryRun: true) { dryRun } }" },
      await staff("privacy_officer"),
    );
    expect(purge.body.errors[0]).toMatchObject({
      message: "The retention purge runs under the purpose LEGAL_COMPLIANCE.",
      extensions: { code: "PURPOSE_NOT_ALLOWED", allowedPurposes: ["LEGAL_COMPLIANCE"] },
    });
  });
});
