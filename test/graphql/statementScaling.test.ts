import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_PAGE_ROWS } from "../../src/dsr/accessReport.js";
import { MAX_PAGE_SIZE } from "../../src/graphql/customer/CustomerResolver.js";
import { DEFAULT_QUERY_LIMITS } from "../../src/server/limits/QueryLimits.js";
import { MyProfileDocument } from "../generated/graphql.js";
import { insertSubject, insertSubjects } from "../dsr/heavySubject.js";
import { officer, verified } from "../dsr/support.js";
import { partnerIdScope } from "../helpers/idScopes.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { admin } from "../partners/support.js";

/**
 * SQL statements per request do not grow with page size or list length, for each workload of the
 * benchmark (issue 6): 10 rows against 1,000 (or the API's cap, where it is lower) cost the same
 * count. Rows are added through Drizzle to a fresh database; statements are counted at the driver
 * boundary (src/db/client.ts), so a regression to per-row loading shows as hundreds.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 20 });
}, 120_000);
afterAll(async () => {
  await gw?.close();
});

/** Statements one request issues, and its body (which must carry no error). */
async function counted(query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const before = gw.database.statements;
  const res = await gw.post({ query, variables }, headers);
  expect(res.status).toBe(200);
  expect(res.body.errors, JSON.stringify(res.body.errors)?.slice(0, 500)).toBeUndefined();
  return { statements: gw.database.statements - before, data: res.body.data };
}

describe("a customer's own profile (me with accounts, preferences and consents)", () => {
  it("costs the same with 10 accounts and consent events as with 1,000", async () => {
    const small = await insertSubject(gw.database.db, { lists: { accounts: 10, consents: 10 } });
    const large = await insertSubject(gw.database.db, { lists: { accounts: 1000, consents: 1000 } });
    const read = async (id: string) => counted(print(MyProfileDocument), {}, bearer(await gw.token("customer", id)));
    const a = await read(small);
    const b = await read(large);
    expect(a.data.me.accounts).toHaveLength(10);
    expect(b.data.me.accounts).toHaveLength(1000);
    expect(b.data.me.preferences).not.toBeNull();
    expect(b.statements).toBe(a.statements);
  });
});

const STAFF_PAGE = `query Page($first: Int!, $residency: String!) @purpose(name: CUSTOMER_SUPPORT) {
  customers(first: $first, filter: { residency: $residency }) {
    totalCount
    edges { node { id profile { fullName email address { city country } } accounts { id accountNumber } paymentMethods { id brand lastFour billingAddress { city } } } }
  } }`;

describe("a staff page of customers with nested accounts and cards", () => {
  let support: Record<string, string>;
  beforeAll(async () => {
    support = bearer(await gw.token("support_agent"));
    await insertSubjects(gw.database.db, MAX_PAGE_SIZE, { residency: "XA", lists: { accounts: 1, paymentMethods: 1 } });
    await insertSubjects(gw.database.db, 10, { residency: "XB", lists: { accounts: 100, paymentMethods: 100 } });
  }, 120_000);

  it(`costs the same for 10 customers as for ${MAX_PAGE_SIZE} (the page cap), and for 10 or 1,000 nested rows`, async () => {
    const page = (first: number, residency: string) => counted(STAFF_PAGE, { first, residency }, support);
    const few = await page(10, "XA");
    const many = await page(MAX_PAGE_SIZE, "XA");
    const deep = await page(10, "XB");
    expect(few.data.customers.edges).toHaveLength(10);
    expect(many.data.customers.edges).toHaveLength(MAX_PAGE_SIZE);
    const nested = (d: typeof deep) =>
      d.data.customers.edges.reduce(
        (n: number, e: { node: { accounts: unknown[]; paymentMethods: unknown[] } }) =>
          n + e.node.accounts.length + e.node.paymentMethods.length,
        0,
      );
    expect(nested(few)).toBe(20);
    expect(nested(deep)).toBe(2000);
    expect(many.statements).toBe(few.statements);
    expect(deep.statements).toBe(few.statements);
  });
});

describe("a partner lookup of customers by id for a masked purpose", () => {
  let partnerKey: Record<string, string>;
  let ids: string[];
  beforeAll(async () => {
    const office = admin(gw);
    const partnerId = await office.createPartner({ kind: "SERVICE_PROVIDER", region: "EU" });
    await office.createGrant(partnerId, {
      purposes: ["CUSTOMER_SUPPORT"],
      categories: ["user.name", "user.contact"],
      subjectScope: "LINKED",
      regions: ["EU"],
      requestsPerMinute: 100_000,
    });
    partnerKey = { "x-api-key": (await office.issueKey(partnerId)).apiKey };
    // The partner looks them up by its own (pairwise) ids.
    const theirs = partnerIdScope(gw, partnerId, "customer_support");
    ids = (await insertSubjects(gw.database.db, DEFAULT_QUERY_LIMITS.maxAliases, { residency: "EU", linkedPartner: partnerId })).map((id) =>
      theirs.external(id),
    );
  }, 120_000);

  /**
   * One aliased `customer(id:)` per subject, in one operation: the schema's lookup by id. The
   * query limits cap aliases (MAX_ALIASES, default 100) below 1,000, so the large lookup is at the cap.
   */
  const lookup = (some: string[]) => `query Lookup @purpose(name: CUSTOMER_SUPPORT) {
    ${some.map((id, i) => `c${i}: customer(id: "${id}") { ...F }`).join("\n")}
  }
  fragment F on Customer { id profile { fullName email address { city country } } }`;

  it(`costs the same for 10 ids as for ${DEFAULT_QUERY_LIMITS.maxAliases} (the alias cap), with addresses masked`, async () => {
    const cap = DEFAULT_QUERY_LIMITS.maxAliases;
    const few = await counted(lookup(ids.slice(0, 10)), {}, partnerKey);
    const many = await counted(lookup(ids.slice(0, cap)), {}, partnerKey);
    expect(Object.keys(few.data)).toHaveLength(10);
    expect(Object.keys(many.data)).toHaveLength(cap);
    const last = many.data[`c${cap - 1}`];
    expect(last.profile.email).toMatch(/@example\.test$/);
    expect(last.profile.address).toEqual({ city: "Testville", country: "GB" });
    expect(many.statements).toBe(few.statements);
  });
});

describe("the subject access report", () => {
  const PAGE = `query Page($id: ID!, $after: String) { accessReport(requestId: $id, after: $after) {
    entries { table rowId } pageInfo { hasNextPage endCursor } } }`;

  /** Statements of each page, walking the report from the start (pages of REPORT_PAGE_ROWS rows, the default). */
  async function pages(subject: string) {
    const id = await verified(gw, subject, "ACCESS");
    const headers = await officer(gw);
    const costs: number[] = [];
    const visits = new Set<string>();
    for (let after: string | null = null; ; ) {
      const { statements, data } = await counted(PAGE, { id, after }, headers);
      costs.push(statements);
      for (const e of data.accessReport.entries) if (e.table === "visits") visits.add(e.rowId);
      if (!data.accessReport.pageInfo.hasNextPage) return { costs, visits: visits.size };
      after = data.accessReport.pageInfo.endCursor;
    }
  }

  it("costs no more per page for a subject with 1,000 visits, purchases, messages, cards and accounts than for one with 10", async () => {
    const lists = (n: number) => ({ visits: n, purchases: n, messages: n, paymentMethods: n, accounts: n, consents: n });
    const small = await pages(await insertSubject(gw.database.db, { lists: lists(10) }));
    const large = await pages(await insertSubject(gw.database.db, { lists: lists(1000) }));
    expect(small.costs).toHaveLength(1);
    expect(small.visits).toBe(10);
    // 6,002 rows in pages of at most REPORT_PAGE_ROWS rows, each reading at most one statement per table
    expect(large.costs).toHaveLength(Math.ceil(6002 / REPORT_PAGE_ROWS));
    expect(large.visits).toBe(1000);
    expect(Math.max(...large.costs)).toBeLessThanOrEqual(small.costs[0]!);
  });
});
