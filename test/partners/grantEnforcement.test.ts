import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentEvents, customers, PARTNER_SHARING_PURPOSE, partnerLinks, partners } from "../../src/db/schema/index.js";
import { loadSubjectStates } from "../../src/enforcement/subjectStateQueries.js";
import type { Caller, PartnerKind } from "../../src/policy/caller.js";
import { decide } from "../../src/policy/decide.js";
import { isPurpose, type Purpose } from "../../src/policy/purposes.js";
import { partnerIdScope } from "../helpers/idScopes.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { admin, asPartner, type GrantSpec } from "./support.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/**
 * A grant only narrows (DESIGN.md section 6), end to end over HTTP with keys issued through the
 * API: subject scope, regions and transfers, categories. What each partner sees is compared with
 * an independent SQL reading of the seed and with the policy's own decide(DEFAULT_POLICY).
 */

let gw: TestGateway;
let po: ReturnType<typeof admin>;
let all: Array<{ id: string; status: string; residency: string }>;
const ALL_REGIONS = ["EU", "UK", "US", "CA", "CH", "BR"];

beforeAll(async () => {
  gw = await startTestGateway({ customers: 80 });
  po = admin(gw);
  all = await gw.database.db.select({ id: customers.id, status: customers.status, residency: customers.residency }).from(customers);
});
afterAll(async () => {
  await gw?.close();
});

const LIST = (purpose: string) =>
  `query L @purpose(name: ${purpose}) { customers(first: 500) { totalCount edges { node { id profile { fullName } } } } }`;
const ONE = (purpose: string) => `query One($id: ID!) @purpose(name: ${purpose}) { customer(id: $id) { id profile { fullName } } }`;

async function partnerNamed(name: string) {
  const [row] = await gw.database.db.select().from(partners).where(eq(partners.name, name));
  return row!;
}

/** A partner, a fresh grant for it and a key, all through the API. */
async function partnerWith(
  partner: { id?: string; kind: "AFFILIATE" | "SERVICE_PROVIDER" | "THIRD_PARTY"; region: string },
  spec: GrantSpec,
) {
  const partnerId = partner.id ?? (await po.createPartner({ kind: partner.kind, region: partner.region }));
  const grant = await po.createGrant(partnerId, spec);
  const key = await po.issueKey(partnerId);
  return { partnerId, grant, key };
}

/** The partner's ids for a purpose (pairwise): what it sends and reads, mapped from and to internal ids. */
const idsOf = (partnerId: string, purpose: string) => partnerIdScope(gw, partnerId, purpose.toLowerCase() as Purpose);

/** One subject (by internal id) looked up by a partner, with the partner's own id for it. */
const lookUp = (partnerId: string, apiKey: string, purpose: string, subjectId: string) =>
  asPartner(gw, apiKey, ONE(purpose), { id: idsOf(partnerId, purpose).external(subjectId) });

/** The subjects (internal ids) a partner lists for a purpose, checking that the page and the count agree. */
async function listed(partnerId: string, apiKey: string, purpose: string): Promise<Set<string>> {
  const res = await asPartner(gw, apiKey, LIST(purpose));
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  const edges = res.body.data.customers.edges as Array<{ node: { id: string; profile: { fullName: string | null } | null } }>;
  expect(res.body.data.customers.totalCount).toBe(edges.length);
  // Those listed are really disclosed, not just counted.
  if (edges.length > 0) expect(edges.some((e) => typeof e.node.profile?.fullName === "string")).toBe(true);
  return new Set(edges.map((e) => idsOf(partnerId, purpose).internal(e.node.id)!));
}

/** What decide(DEFAULT_POLICY) says for `user.name` of every seeded subject: the gateway must list exactly those. */
async function expectedByDecide(caller: Caller, purpose: string): Promise<Set<string>> {
  if (!isPurpose(purpose)) throw new Error(purpose);
  const states = await loadSubjectStates(
    gw.database.db,
    all.map((c) => c.id),
  );
  return new Set(
    all.filter((c) => decide(DEFAULT_POLICY, caller, purpose, "user.name", states.get(c.id)!).effect !== "deny").map((c) => c.id),
  );
}

function callerOf(p: { partnerId: string; grant: any; key: { keyId: string } }, kind: PartnerKind, region: string): Caller {
  const g = p.grant;
  return {
    kind: "partner",
    partnerId: p.partnerId,
    partnerKind: kind,
    partnerRegion: region,
    keyId: p.key.keyId,
    grant: {
      id: g.id,
      purposes: g.purposes.map((x: string) => x.toLowerCase()),
      categories: g.categories,
      subjectScope: g.subjectScope.toLowerCase(),
      regions: g.regions,
      transferBasis: g.transferBasis,
      validFrom: new Date(g.validFrom),
      validUntil: new Date(g.validUntil),
    },
  };
}

/** Subjects whose latest third_party_sharing event for this partner is an opt-in (independent SQL). */
async function optedInTo(partnerId: string): Promise<Set<string>> {
  const rows = await gw.database.db
    .selectDistinctOn([consentEvents.customerId], { customerId: consentEvents.customerId, granted: consentEvents.granted })
    .from(consentEvents)
    .where(and(eq(consentEvents.purpose, PARTNER_SHARING_PURPOSE), eq(consentEvents.partnerId, partnerId)))
    .orderBy(consentEvents.customerId, desc(consentEvents.recordedAt), desc(consentEvents.id));
  return new Set(rows.filter((r) => r.granted).map((r) => r.customerId));
}

const subset = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x));

describe("subject scope", () => {
  it("consented: only subjects who opted in to sharing with this partner", async () => {
    const northwind = await partnerNamed("Northwind Rewards"); // affiliate, EU; seeded opt-ins carry its id
    const p = await partnerWith(
      { id: northwind.id, kind: "AFFILIATE", region: "EU" },
      {
        purposes: ["MARKETING"],
        categories: ["user.name"],
        subjectScope: "CONSENTED",
        regions: ALL_REGIONS,
        transferBasis: "SCC-2021",
      },
    );
    const seen = await listed(p.partnerId, p.key.apiKey, "MARKETING");
    const optedIn = await optedInTo(northwind.id);
    expect(seen.size).toBeGreaterThan(0);
    expect(subset(seen, optedIn)).toEqual([]);
    expect(seen).toEqual(await expectedByDecide(callerOf(p, "affiliate", "EU"), "marketing"));
    // An active subject who never opted in exists and is not reachable by id either.
    const outsider = all.find((c) => c.status === "active" && !optedIn.has(c.id))!;
    const one = await lookUp(p.partnerId, p.key.apiKey, "MARKETING", outsider.id);
    expect(one.body.errors[0].extensions.code).toBe("NOT_FOUND");
    expect(one.body.data.customer).toBeNull();
  });

  it("linked: only subjects linked to the partner", async () => {
    const contoso = await partnerNamed("Contoso Support Services"); // service provider, US
    const p = await partnerWith(
      { id: contoso.id, kind: "SERVICE_PROVIDER", region: "US" },
      {
        purposes: ["CUSTOMER_SUPPORT"],
        categories: ["user.name"],
        subjectScope: "LINKED",
        regions: ALL_REGIONS,
        transferBasis: "SCC-2021",
      },
    );
    const links = new Set(
      (await gw.database.db.select().from(partnerLinks).where(eq(partnerLinks.partnerId, contoso.id))).map((l) => l.customerId),
    );
    const seen = await listed(p.partnerId, p.key.apiKey, "CUSTOMER_SUPPORT");
    expect(seen.size).toBeGreaterThan(0);
    expect(subset(seen, links)).toEqual([]);
    expect(seen).toEqual(await expectedByDecide(callerOf(p, "service_provider", "US"), "customer_support"));
    const unlinked = all.find((c) => c.status === "active" && !links.has(c.id))!;
    expect((await lookUp(p.partnerId, p.key.apiKey, "CUSTOMER_SUPPORT", unlinked.id)).body.errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("all, for comparison, reaches subjects beyond the linked ones", async () => {
    const p = await partnerWith(
      { kind: "SERVICE_PROVIDER", region: "EU" },
      {
        purposes: ["CUSTOMER_SUPPORT"],
        categories: ["user.name"],
        subjectScope: "ALL",
        regions: ALL_REGIONS,
        transferBasis: "SCC-2021",
      },
    );
    const seen = await listed(p.partnerId, p.key.apiKey, "CUSTOMER_SUPPORT");
    expect(seen).toEqual(await expectedByDecide(callerOf(p, "service_provider", "EU"), "customer_support"));
    expect(seen.size).toBe(all.filter((c) => c.status === "active").length);
  });
});

describe("regions and transfers", () => {
  it("a subject outside the grant's regions is not visible", async () => {
    const p = await partnerWith(
      { kind: "SERVICE_PROVIDER", region: "EU" },
      {
        purposes: ["CUSTOMER_SUPPORT"],
        categories: ["user.name"],
        regions: ["EU"],
      },
    );
    const seen = await listed(p.partnerId, p.key.apiKey, "CUSTOMER_SUPPORT");
    const euActive = all.filter((c) => c.status === "active" && c.residency === "EU").map((c) => c.id);
    expect(seen).toEqual(new Set(euActive));
    const american = all.find((c) => c.status === "active" && c.residency === "US")!;
    expect((await lookUp(p.partnerId, p.key.apiKey, "CUSTOMER_SUPPORT", american.id)).body.errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("a partner in another region than the subject sees nothing of it without a transfer basis, and does with one", async () => {
    const partnerId = await po.createPartner({ kind: "SERVICE_PROVIDER", region: "US" });
    const key = await po.issueKey(partnerId);
    const grant = await po.createGrant(partnerId, { purposes: ["CUSTOMER_SUPPORT"], categories: ["user.name"], regions: ["EU", "US"] });
    const euSubject = all.find((c) => c.status === "active" && c.residency === "EU")!;
    const usActive = new Set(all.filter((c) => c.status === "active" && c.residency === "US").map((c) => c.id));

    // No basis: only subjects in the partner's own region; the EU subject is not there at all.
    const without = await listed(partnerId, key.apiKey, "CUSTOMER_SUPPORT");
    expect(without).toEqual(usActive);
    const one = await lookUp(partnerId, key.apiKey, "CUSTOMER_SUPPORT", euSubject.id);
    expect(one.body.errors[0].extensions.code).toBe("NOT_FOUND");
    expect(JSON.stringify(one.body)).not.toContain(euSubject.id);

    // A grant covering only other regions, no basis: the static check refuses any personal read.
    await po.revokeGrant(grant.id);
    const euOnly = await po.createGrant(partnerId, { purposes: ["CUSTOMER_SUPPORT"], categories: ["user.name"], regions: ["EU"] });
    const refused = await lookUp(partnerId, key.apiKey, "CUSTOMER_SUPPORT", euSubject.id);
    expect(refused.body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect(refused.body.errors[0].extensions.denied).toEqual([
      expect.objectContaining({ coordinate: "Profile.fullName", reason: "TRANSFER_NOT_PERMITTED" }),
    ]);
    const count = await asPartner(gw, key.apiKey, "query C @purpose(name: CUSTOMER_SUPPORT) { customers(first: 5) { totalCount } }");
    expect(count.body.data.customers.totalCount).toBe(0);

    // With a transfer basis: the EU subject is visible.
    await po.revokeGrant(euOnly.id);
    const withBasis = await po.createGrant(partnerId, {
      purposes: ["CUSTOMER_SUPPORT"],
      categories: ["user.name"],
      regions: ["EU", "US"],
      transferBasis: "SCC-2021",
    });
    const seen = await listed(partnerId, key.apiKey, "CUSTOMER_SUPPORT");
    expect(seen.has(euSubject.id)).toBe(true);
    expect(seen).toEqual(
      await expectedByDecide(callerOf({ partnerId, grant: withBasis, key }, "service_provider", "US"), "customer_support"),
    );
    const found = await lookUp(partnerId, key.apiKey, "CUSTOMER_SUPPORT", euSubject.id);
    expect(found.body.errors).toBeUndefined();
    expect(found.body.data.customer.id).toBe(idsOf(partnerId, "CUSTOMER_SUPPORT").external(euSubject.id));
  });
});

describe("categories and purposes", () => {
  it("fields outside the grant's categories are rejected before execution with FORBIDDEN listing them", async () => {
    const p = await partnerWith(
      { kind: "SERVICE_PROVIDER", region: "EU" },
      {
        purposes: ["CUSTOMER_SUPPORT"],
        categories: ["user.name"],
        regions: ["EU"],
      },
    );
    const before = gw.database.statements;
    const res = await asPartner(
      gw,
      p.key.apiKey,
      "query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 3) { edges { node { profile { fullName email phone } visits { ipAddress } } } } }",
    );
    const statements = gw.database.statements - before;
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    const error = res.body.errors[0];
    expect(error.extensions.code).toBe("FORBIDDEN");
    const denied = error.extensions.denied as Array<{ coordinate: string; category: string; reason: string }>;
    expect(denied.map((d) => d.coordinate).sort()).toEqual(["Customer.visits", "Profile.email", "Profile.phone", "Visit.ipAddress"]);
    expect(denied.find((d) => d.coordinate === "Profile.email")).toMatchObject({
      category: "user.contact.email",
      reason: "GRANT_CATEGORY",
    });
    // Only authentication and the rate-limit counter: no customer data was read.
    expect(statements).toBeLessThanOrEqual(3);

    const allowed = await asPartner(
      gw,
      p.key.apiKey,
      "query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 3) { edges { node { profile { fullName } } } } }",
    );
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data.customers.edges.length).toBe(3);
  });

  it("a purpose outside the grant: PURPOSE_NOT_ALLOWED listing the grant's", async () => {
    const p = await partnerWith(
      { kind: "SERVICE_PROVIDER", region: "EU" },
      { purposes: ["CUSTOMER_SUPPORT"], categories: ["user"], regions: ["EU"] },
    );
    const res = await asPartner(gw, p.key.apiKey, "query Q @purpose(name: MARKETING) { customers(first: 1) { totalCount } }");
    expect(res.body.errors[0].extensions.code).toBe("PURPOSE_NOT_ALLOWED");
    expect(res.body.errors[0].extensions.allowedPurposes).toEqual(["CUSTOMER_SUPPORT"]);
    expect(res.body.errors[0].message).toBe("The purpose MARKETING is not among those your role or grant allows.");
  });

  it("a broad grant never widens the purpose matrix (advertising never gets user.name)", async () => {
    const p = await partnerWith({ kind: "AFFILIATE", region: "EU" }, { purposes: ["ADVERTISING"], categories: ["user"], regions: ["EU"] });
    const res = await asPartner(
      gw,
      p.key.apiKey,
      "query Q @purpose(name: ADVERTISING) { customers(first: 1) { edges { node { profile { fullName } } } } }",
    );
    expect(res.body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect(res.body.errors[0].extensions.denied[0]).toMatchObject({ coordinate: "Profile.fullName", reason: "PURPOSE_EXCLUDES_CATEGORY" });
  });
});
