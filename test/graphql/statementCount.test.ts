import { eq } from "drizzle-orm";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customers } from "../../src/db/schema/index.js";
import { SupportCustomerPageDocument } from "../generated/graphql.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 230 });
});
afterAll(async () => {
  await gw?.close();
});

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
    // page (with its nested rows and subject states) + count + disclosure log: a regression to
    // per-row loading would be in the hundreds.
    expect(large.statements).toBeLessThan(16);
  });
});

describe("a page's count", () => {
  /** One support page of 10 (its statements and answer), selecting `totalCount` or not. */
  async function page(withCount: boolean) {
    const token = await gw.token("support_agent");
    const before = gw.database.statements;
    const res = await gw.post(
      {
        query: `query P @purpose(name: CUSTOMER_SUPPORT) { customers(first: 10) { ${withCount ? "totalCount" : ""} edges { node { id } } } }`,
      },
      bearer(token),
    );
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

// `id` alone discloses nothing personal; the nested fields do, so their request adds exactly one
// statement: the disclosure record's insert. Read on their own, the nested rows would add one
// statement per kind of row.
describe("a customer's nested rows (profile, preferences, accounts, cards)", () => {
  /** The statements of one request, and its answer (which must hold no error). */
  async function run(query: string, token: string, variables: Record<string, unknown> = {}) {
    const before = gw.database.statements;
    const res = await gw.post({ query, variables }, bearer(token));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    return { statements: gw.database.statements - before, data: res.body.data };
  }
  const someIds = async (n: number) =>
    (
      await gw.database.db.select({ id: customers.id }).from(customers).where(eq(customers.status, "active")).orderBy(customers.id).limit(n)
    ).map((r) => r.id);

  it("come in the statement that reads `me`: no statement of their own", async () => {
    const [id] = await someIds(1);
    const token = await gw.token("customer", id!);
    await run(`{ __typename }`, token); // authentication looks the customer up once per process
    const bare = await run(`{ me { id } }`, token);
    const nested = await run(`{ me { id profile { fullName email } preferences { smsOffers } accounts { id product } } }`, token);
    expect(nested.statements).toBe(bare.statements); // both write their disclosure records (ids are recorded too)
    expect(nested.data.me.profile.fullName).toEqual(expect.any(String));
    expect(nested.data.me.accounts.length).toBeGreaterThan(0);
  });

  it("come in the page's statement, through fragments and aliases", async () => {
    const token = await gw.token("support_agent");
    const bare = await run(`query P @purpose(name: CUSTOMER_SUPPORT) { customers(first: 20) { edges { node { id } } } }`, token);
    const nested = await run(
      `query P @purpose(name: CUSTOMER_SUPPORT) { customers(first: 20) { edges { node { id ...Cards
      p: profile { fullName } ... on Customer { accounts { id } } } } } }
      fragment Cards on Customer { paymentMethods { brand } }`,
      token,
    );
    expect(nested.statements).toBe(bare.statements); // both write their disclosure records (ids are recorded too)
    const nodes = nested.data.customers.edges.map((e: { node: unknown }) => e.node) as {
      p: unknown;
      accounts: unknown[];
      paymentMethods: unknown[];
    }[];
    expect(nodes.filter((n) => n.p !== null && n.accounts.length > 0 && n.paymentMethods.length > 0).length).toBeGreaterThan(0);
  });

  it("come with customers looked up by id, aliases batched into one statement", async () => {
    const ids = await someIds(3);
    const token = await gw.token("support_agent");
    const lookup = (fields: string) => `query L($a: ID!, $b: ID!, $c: ID!) @purpose(name: CUSTOMER_SUPPORT) {
      a: customer(id: $a) { ${fields} } b: customer(id: $b) { ${fields} } c: customer(id: $c) { ${fields} } }`;
    const variables = { a: ids[0], b: ids[1], c: ids[2] };
    const bare = await run(lookup("id"), token, variables);
    const nested = await run(lookup("id profile { fullName } accounts { id }"), token, variables);
    expect(nested.statements).toBe(bare.statements); // both write their disclosure records (ids are recorded too)
    expect(nested.data.b.profile.fullName).toEqual(expect.any(String));
  });
});
