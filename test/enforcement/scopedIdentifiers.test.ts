/**
 * Identifiers leave in the request's id scope (DESIGN.md section 2, identifiers), over HTTP on the
 * seed: each partner gets its own pairwise ids for the subject and its rows, per purpose when the
 * purpose pseudonymises, so two partners' answers about the same subjects share no id; an analyst's
 * analytics answer shares none with its marketing answer; staff under a contract purpose get the
 * internal ids. What a caller received, sent back, reaches the same subject; sent by another
 * partner or under another purpose, it reaches nothing, exactly as an unknown id.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../src/db/schema/index.js";
import type { IdScope } from "../../src/enforcement/createIdScope.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { matrixCell } from "../../src/policy/matrix.js";
import type { Purpose } from "../../src/policy/purposes.js";
import { idScopeOf, partnerIdScope } from "../helpers/idScopes.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { admin, asPartner } from "../partners/support.js";
import { DEFAULT_POLICY, PSEUDONYM_PREFIX } from "../../src/policy/index.js";

let gw: TestGateway;
let schema: Awaited<ReturnType<typeof buildGatewaySchema>>;
/** The seed's three partners, each with a fresh grant reaching every subject it may (third party: opted-in ones) for two purposes. */
let partners: Array<{ name: string; partnerId: string; apiKey: string }>;
/** Every id the database holds for a subject or one of its rows. */
let internalIds: Set<string>;

const PURPOSES = ["CUSTOMER_SUPPORT", "ANALYTICS"] as const;
const ROWS = ["accounts", "paymentMethods", "purchases", "consents", "messages", "visits(first: 5)"] as const;
/** The rows a purpose may ever read (each list carries its category): the others would refuse the whole page. */
const readableFor = (purpose: string, rows: readonly string[]) =>
  rows.filter((r) => {
    const field = getDataMap(schema).fields.get(`Customer.${r.replace(/\(.*$/, "")}`)!;
    return matrixCell(DEFAULT_POLICY, purpose.toLowerCase() as Purpose, field.category) !== "deny";
  });
const page = (purpose: string, rows: readonly string[], first = 500) =>
  `query P @purpose(name: ${purpose}) { customers(first: ${first}) { pageInfo { endCursor } edges { cursor node { id ${readableFor(
    purpose,
    rows,
  )
    .map((r) => `${r} { id }`)
    .join(" ")} } } } }`;
const ONE = (purpose: string) => `query One($id: ID!) @purpose(name: ${purpose}) { customer(id: $id) { id visits(first: 5) { id } } }`;

interface Node {
  id: string;
  [rows: string]: unknown;
}

/** Every id string in an answer (subjects' and rows'), and the subjects' ids in order. */
function idsIn(body: any): { all: string[]; subjects: string[] } {
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  const nodes = body.data.customers.edges.map((e: { node: Node }) => e.node) as Node[];
  const all = nodes.flatMap((n) => [
    n.id,
    ...Object.values(n).flatMap((v) => (Array.isArray(v) ? v.map((row: { id: string }) => row.id) : [])),
  ]);
  return { all, subjects: nodes.map((n) => n.id) };
}

const scopeOf = (partnerId: string, purpose: string): IdScope => partnerIdScope(gw, partnerId, purpose.toLowerCase() as Purpose);
const shared = (a: string[], b: string[]) => {
  const set = new Set(a);
  return b.filter((x) => set.has(x));
};

beforeAll(async () => {
  gw = await startTestGateway({ customers: 40, seed: 7 });
  schema = await buildGatewaySchema();
  const po = admin(gw);
  partners = [];
  for (const seeded of await gw.database.db.select().from(tables.partners)) {
    for (const grant of await gw.database.db.select().from(tables.partnerGrants).where(eq(tables.partnerGrants.partnerId, seeded.id))) {
      if (grant.revokedAt === null) await po.revokeGrant(grant.id);
    }
    await po.createGrant(seeded.id, {
      purposes: [...PURPOSES],
      categories: ["user"],
      subjectScope: "ALL",
      regions: ["EU", "UK", "US", "CA", "CH", "BR"],
      transferBasis: "SCC-2021",
    });
    partners.push({ name: seeded.name, partnerId: seeded.id, apiKey: (await po.issueKey(seeded.id)).apiKey });
  }
  expect(partners).toHaveLength(3);
  const db = gw.database.db;
  const idRows = await Promise.all([
    db.select({ id: tables.customers.id }).from(tables.customers),
    db.select({ id: tables.accounts.id }).from(tables.accounts),
    db.select({ id: tables.paymentMethods.id }).from(tables.paymentMethods),
    db.select({ id: tables.purchases.id }).from(tables.purchases),
    db.select({ id: tables.consentEvents.id }).from(tables.consentEvents),
    db.select({ id: tables.submittedMessages.id }).from(tables.submittedMessages),
    db.select({ id: tables.visits.id }).from(tables.visits),
  ]);
  internalIds = new Set(idRows.flat().map((r) => r.id));
});
afterAll(async () => {
  await gw?.close();
});

describe("no two recipients share an identifier (generated)", () => {
  it("two partners, any purposes and rows: no id in common, though they answer about common subjects", async () => {
    let commonSubjects = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.nat(partners.length - 1), { minLength: 2, maxLength: 2 }),
        fc.constantFrom(...PURPOSES),
        fc.constantFrom(...PURPOSES),
        fc.subarray([...ROWS], { minLength: 1 }),
        async ([i, j], purposeA, purposeB, rows) => {
          const [a, b] = [partners[i!]!, partners[j!]!];
          const answerA = idsIn((await asPartner(gw, a.apiKey, page(purposeA, rows))).body);
          const answerB = idsIn((await asPartner(gw, b.apiKey, page(purposeB, rows))).body);
          expect(shared(answerA.all, answerB.all)).toEqual([]);
          expect(shared(answerA.all, [...internalIds])).toEqual([]);
          // Each answer maps back, through its own scope only, to subjects that exist.
          const subjectsA = answerA.subjects.map((id) => scopeOf(a.partnerId, purposeA).internal(id)!);
          const subjectsB = answerB.subjects.map((id) => scopeOf(b.partnerId, purposeB).internal(id)!);
          for (const id of [...subjectsA, ...subjectsB]) expect(internalIds.has(id)).toBe(true);
          commonSubjects += shared(subjectsA, subjectsB).length;
        },
      ),
      { numRuns: 12, seed: 20260412 },
    );
    // Not vacuous: the partners answered about the same subjects.
    expect(commonSubjects).toBeGreaterThan(0);
  });

  it("one partner under two purposes (one that pseudonymises): no id in common", async () => {
    for (const p of partners) {
      const support = idsIn((await asPartner(gw, p.apiKey, page("CUSTOMER_SUPPORT", ROWS))).body);
      const analytics = idsIn((await asPartner(gw, p.apiKey, page("ANALYTICS", ROWS))).body);
      expect(support.all.length).toBeGreaterThan(0);
      expect(shared(support.all, analytics.all)).toEqual([]);
    }
  });

  it("marketing_analyst: analytics and marketing answers about the same subjects share no id; a contract purpose's ids are the internal ones", async () => {
    const analyst = bearer(await gw.token("marketing_analyst"));
    const rows = ["accounts", "purchases", "consents", "visits(first: 5)"];
    const analytics = idsIn((await gw.post({ query: page("ANALYTICS", rows) }, analyst)).body);
    const marketing = idsIn((await gw.post({ query: page("MARKETING", rows) }, analyst)).body);
    const analyticsSubjects = analytics.subjects.map((id) =>
      idScopeOf(gw, { kind: "staff", staffId: "x", role: "marketing_analyst" }, "analytics").internal(id),
    );
    expect(shared(analyticsSubjects as string[], marketing.subjects).length).toBeGreaterThan(0);
    expect(shared(analytics.all, marketing.all)).toEqual([]);
    expect(shared(analytics.all, [...internalIds])).toEqual([]);
    // Marketing does not pseudonymise: the analyst gets the internal ids, as support does.
    const support = idsIn((await gw.post({ query: page("CUSTOMER_SUPPORT", ROWS) }, bearer(await gw.token("support_agent")))).body);
    for (const id of [...marketing.all, ...support.all]) expect(internalIds.has(id), id).toBe(true);
    expect(support.all.length).toBeGreaterThan(marketing.subjects.length);
  });

  it("explainAccess ties no pseudonym to another purpose's view: refused alike for every id", async () => {
    const analyst = bearer(await gw.token("marketing_analyst"));
    const analytics = idsIn((await gw.post({ query: page("ANALYTICS", []) }, analyst)).body).subjects;
    const explain = (purpose: string, asPurpose: string, id: string) =>
      gw.post(
        {
          query: `query E($id: ID!) @purpose(name: ${purpose}) { explainAccess(coordinate: "Profile.email", subjectId: $id, purpose: ${asPurpose}) { reasonCode } }`,
          variables: { id },
        },
        analyst,
      );
    const refusals = new Set<string>();
    for (const id of [...analytics.slice(0, 20), randomUUID()]) {
      const res = await explain("ANALYTICS", "MARKETING", id);
      expect(res.body.data).toBeNull();
      refusals.add(JSON.stringify(res.body.errors.map((e: { message: string; extensions: unknown }) => [e.message, e.extensions])));
    }
    expect([...refusals]).toHaveLength(1);
    expect(refusals.values().next().value).toContain("ID_SCOPE_MISMATCH");
    // Under its own purpose it explains.
    expect((await explain("ANALYTICS", "ANALYTICS", analytics[0]!)).body.errors).toBeUndefined();
  });
});

describe("no two recipients share a pseudonym (generated)", () => {
  const PSEUDONYMISED = `query P @purpose(name: ANALYTICS) { customers(first: 500) { edges { node { id profile { fullName email } } } } }`;
  /** The pseudonyms of an answer, by the internal id of the subject they stand for. */
  const pseudonymsIn = (body: any, scope: IdScope): Map<string, string[]> => {
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    const bySubject = new Map<string, string[]>();
    for (const { node } of body.data.customers.edges as { node: { id: string; profile: Record<string, unknown> } }[]) {
      const values = Object.values(node.profile).filter((v): v is string => typeof v === "string");
      for (const v of values) expect(v.startsWith(PSEUDONYM_PREFIX), v).toBe(true);
      bySubject.set(scope.internal(node.id)!, values);
    }
    return bySubject;
  };
  const all = (m: Map<string, string[]>) => [...m.values()].flat();

  it("two partners under one pseudonymising purpose: no pseudonym in common, though they answer about common subjects", async () => {
    let commonSubjects = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat(partners.length - 1), { minLength: 2, maxLength: 2 }), async ([i, j]) => {
        const [a, b] = [partners[i!]!, partners[j!]!];
        const answerA = pseudonymsIn((await asPartner(gw, a.apiKey, PSEUDONYMISED)).body, scopeOf(a.partnerId, "ANALYTICS"));
        const answerB = pseudonymsIn((await asPartner(gw, b.apiKey, PSEUDONYMISED)).body, scopeOf(b.partnerId, "ANALYTICS"));
        expect(shared(all(answerA), all(answerB))).toEqual([]);
        const common = [...answerA.keys()].filter((subject) => answerB.has(subject));
        commonSubjects += common.length;
        // Stable within a partner's scope: the same answer again gives the same pseudonyms.
        const again = pseudonymsIn((await asPartner(gw, a.apiKey, PSEUDONYMISED)).body, scopeOf(a.partnerId, "ANALYTICS"));
        for (const subject of common) expect(again.get(subject)).toEqual(answerA.get(subject));
      }),
      { numRuns: 6, seed: 20261208 },
    );
    expect(commonSubjects).toBeGreaterThan(0);
  });

  it("a partner and staff under the same purpose share no pseudonym; staff of the purpose share theirs", async () => {
    const staff = { kind: "staff", staffId: "x", role: "marketing_analyst" } as const;
    const analyst = pseudonymsIn(
      (await gw.post({ query: PSEUDONYMISED }, bearer(await gw.token("marketing_analyst", "analyst-1")))).body,
      idScopeOf(gw, staff, "analytics"),
    );
    const colleague = pseudonymsIn(
      (await gw.post({ query: PSEUDONYMISED }, bearer(await gw.token("marketing_analyst", "analyst-2")))).body,
      idScopeOf(gw, staff, "analytics"),
    );
    expect(all(analyst).length).toBeGreaterThan(0);
    expect(all(colleague)).toEqual(all(analyst));
    for (const p of partners) {
      const partner = pseudonymsIn((await asPartner(gw, p.apiKey, PSEUDONYMISED)).body, scopeOf(p.partnerId, "ANALYTICS"));
      expect([...partner.keys()].some((subject) => analyst.has(subject))).toBe(true);
      expect(shared(all(partner), all(analyst))).toEqual([]);
    }
  });
});

describe("what a partner received, it can send back; nobody else can", () => {
  it("customer(id:), filter.ids, after and explainAccess reach the same subject for the partner and purpose that received the id", async () => {
    for (const p of partners) {
      for (const purpose of PURPOSES) {
        const whole = (await asPartner(gw, p.apiKey, page(purpose, ["visits(first: 5)"]))).body;
        const edges = whole.data.customers.edges as Array<{ cursor: string; node: { id: string; visits: unknown } }>;
        expect(edges.length).toBeGreaterThan(2);
        const { cursor, node } = edges[1]!;
        const one = await asPartner(gw, p.apiKey, ONE(purpose), { id: node.id });
        expect(one.body.data.customer).toEqual(node);
        const batch = await asPartner(
          gw,
          p.apiKey,
          `query B($ids: [ID!]!) @purpose(name: ${purpose}) { customers(first: 5, filter: { ids: $ids }) { edges { node { id } } } }`,
          { ids: [node.id] },
        );
        expect(batch.body.data.customers.edges).toEqual([{ node: { id: node.id } }]);
        const after = await asPartner(
          gw,
          p.apiKey,
          `query A($c: String) @purpose(name: ${purpose}) { customers(first: 500, after: $c) { edges { node { id } } } }`,
          { c: cursor },
        );
        expect(after.body.data.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
          edges.slice(2).map((e) => e.node.id),
        );
        const explain = await asPartner(
          gw,
          p.apiKey,
          `query E($id: ID!) @purpose(name: ${purpose}) { explainAccess(subjectId: $id, coordinate: "Customer.id") { effect } }`,
          { id: node.id },
        );
        expect(explain.body.errors).toBeUndefined();
      }
    }
  });

  it("sent by another partner or under another purpose, an id or a cursor is answered exactly as an unknown one", async () => {
    const [a, b] = partners as [(typeof partners)[0], (typeof partners)[0]];
    const mine = (await asPartner(gw, a.apiKey, page("CUSTOMER_SUPPORT", []))).body.data.customers.edges as Array<{
      cursor: string;
      node: { id: string };
    }>;
    const { cursor, node } = mine[0]!;
    const attempts: Array<[typeof a, string, string]> = [
      [b, "CUSTOMER_SUPPORT", node.id], // another partner
      [a, "ANALYTICS", node.id], // another purpose
      [b, "CUSTOMER_SUPPORT", scopeOf(a.partnerId, "CUSTOMER_SUPPORT").internal(node.id)!], // the internal id
    ];
    for (const [p, purpose, id] of attempts) {
      const res = await asPartner(gw, p.apiKey, ONE(purpose), { id });
      const unknown = await asPartner(gw, p.apiKey, ONE(purpose), { id: randomUUID() });
      expect(unknown.body.errors[0].extensions.code).toBe("NOT_FOUND");
      expect({ status: res.status, body: res.body }).toEqual({ status: unknown.status, body: unknown.body });
    }
    const listed = `query B($ids: [ID!]!) @purpose(name: CUSTOMER_SUPPORT) { customers(first: 5, filter: { ids: $ids }) { totalCount edges { node { id } } } }`;
    expect((await asPartner(gw, b.apiKey, listed, { ids: [node.id] })).body.data.customers).toEqual({ totalCount: 0, edges: [] });
    const foreignCursor = `query A($c: String) @purpose(name: CUSTOMER_SUPPORT) { customers(first: 5, after: $c) { edges { node { id } } } }`;
    for (const res of [
      await asPartner(gw, b.apiKey, foreignCursor, { c: cursor }),
      await asPartner(gw, b.apiKey, foreignCursor, { c: `${cursor.slice(0, -2)}AA` }),
    ]) {
      expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
      expect(res.body.errors[0].message).toBe("The `after` cursor is not one this API issued.");
    }
  });

  it("a cursor carries no internal id in clear, staff's included", async () => {
    const support = bearer(await gw.token("support_agent"));
    const edges = (await gw.post({ query: page("CUSTOMER_SUPPORT", []) }, support)).body.data.customers.edges as Array<{
      cursor: string;
      node: { id: string };
    }>;
    for (const { cursor, node } of edges) {
      const decoded = Buffer.from(cursor, "base64url");
      expect(decoded.toString("utf8")).not.toContain(node.id);
      expect(decoded.toString("hex")).not.toContain(node.id.replaceAll("-", ""));
    }
  });
});

describe("pages come in an order of each scope's own", () => {
  /** The internal ids of a scope's whole list, page by page (`first` at a time, through its cursors). */
  async function walk(send: (query: string) => Promise<any>, scope: IdScope, purpose: string, first: number): Promise<string[]> {
    const out: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const body = await send(
        `query P @purpose(name: ${purpose}) { customers(first: ${first}${after ? `, after: "${after}"` : ""}) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
      );
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      out.push(...body.data.customers.edges.map((e: { node: { id: string } }) => scope.internal(e.node.id)!));
      if (!body.data.customers.pageInfo.hasNextPage) return out;
      after = body.data.customers.pageInfo.endCursor;
    }
    throw new Error("more than 100 pages");
  }

  it("two partners, and a partner and the internal order, do not list the same subjects in the same order; paging loses and repeats none", async () => {
    const [a, b] = partners;
    const orders = await Promise.all(
      [a!, b!].map((p) =>
        walk(async (q) => (await asPartner(gw, p.apiKey, q)).body, scopeOf(p.partnerId, "CUSTOMER_SUPPORT"), "CUSTOMER_SUPPORT", 7),
      ),
    );
    const internal = await walk(
      async (q) => (await gw.post({ query: q }, bearer(await gw.token("support_agent")))).body,
      idScopeOf(gw, { kind: "staff", staffId: "s", role: "support_agent" }, "customer_support"),
      "CUSTOMER_SUPPORT",
      7,
    );
    for (const order of [...orders, internal]) expect(new Set(order).size).toBe(order.length); // no repeats
    expect([...orders[0]!].sort()).toEqual([...internal].sort()); // the same subjects (both grants reach all)
    expect(internal).toEqual([...internal].sort()); // staff under a contract purpose: id order
    for (const order of orders) expect(order).not.toEqual(internal);
    expect(orders[0]).not.toEqual(orders[1]);
  });
});
