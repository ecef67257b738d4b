import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupportCustomerPageDocument } from "../generated/graphql.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

let gw: TestGateway;
beforeAll(async () => { gw = await startTestGateway({ customers: 230 }); });
afterAll(async () => { await gw?.close(); });

/** SQL statements one request issues, counted at the driver boundary (Drizzle's logger). */
async function statementsFor(first: number): Promise<{ statements: number; rows: number }> {
  const token = await gw.token("support_agent");
  const before = gw.database.statements;
  const res = await gw.post({ query: print(SupportCustomerPageDocument), variables: { first } }, bearer(token));
  expect(res.status).toBe(200);
  const edges = res.body.data.customers.edges as { node: { accounts: unknown[]; paymentMethods: unknown[] } }[];
  expect(edges.some((e) => e.node.accounts.length > 1 && e.node.paymentMethods.length > 0)).toBe(true);
  return { statements: gw.database.statements - before, rows: edges.length };
}

describe("a page of customers with accounts, cards and preferences", () => {
  it("costs the same number of SQL statements at 10 rows and at 200 (DataLoader batching)", async () => {
    const small = await statementsFor(10);
    const large = await statementsFor(200);
    expect(small.rows).toBe(10);
    expect(large.rows).toBe(200);
    expect(large.statements).toBe(small.statements);
    // page + count + profiles + accounts + cards + preferences + subject state + disclosure log:
    // a regression to per-row loading would be in the hundreds.
    expect(large.statements).toBeLessThan(16);
  });
});

describe("a page's count", () => {
  /** One support page of 10 (its statements and answer), selecting `totalCount` or not. */
  async function page(withCount: boolean) {
    const token = await gw.token("support_agent");
    const before = gw.database.statements;
    const res = await gw.post({
      query: `query P @purpose(name: CUSTOMER_SUPPORT) { customers(first: 10) { ${withCount ? "totalCount" : ""} edges { node { id } } } }`,
    }, bearer(token));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    return { statements: gw.database.statements - before, data: res.body.data.customers };
  }

  it("is a statement only when totalCount is selected, and then counts every visible customer", async () => {
    const without = await page(false);
    const withCount = await page(true);
    expect(withCount.statements).toBe(without.statements + 1);
    expect(withCount.data.edges).toEqual(without.data.edges);
    expect(withCount.data.totalCount).toBeGreaterThan(10);
    expect(withCount.data.totalCount).toBeLessThanOrEqual(230);
  });
});
