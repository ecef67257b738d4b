/**
 * A batch lookup by id (`customers(filter: { ids })`), over HTTP: it answers exactly the subjects
 * of the list that the caller may see, in (internal) id order, like the page it is, with the
 * partner's own pairwise ids; an unknown id and an id
 * the caller may not see are left out alike; bad lists are refused with nothing read.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customers, disclosureLog } from "../../src/db/schema/index.js";
import type { IdScope } from "../../src/enforcement/createIdScope.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { partnerIdScope } from "../helpers/idScopes.js";
import { admin, asPartner } from "./support.js";

let gw: TestGateway;
let apiKey: string;
/** The partner's pairwise ids for customer_support: what it sends and reads, mapped from and to internal ids. */
let scope: IdScope;
let all: Array<{ id: string; status: string }>;
/** What the partner may see for the purpose: the subjects (internal ids) its unfiltered page lists. */
let visible: string[];

const FIELDS = "id profile { fullName email }";
const BATCH = `query Batch($ids: [ID!]!, $first: Int!) @purpose(name: CUSTOMER_SUPPORT) {
  customers(first: $first, filter: { ids: $ids }) { totalCount pageInfo { hasNextPage } edges { node { ${FIELDS} } } } }`;
const ONE = `query One($id: ID!) @purpose(name: CUSTOMER_SUPPORT) { customer(id: $id) { ${FIELDS} } }`;

type Node = { id: string; profile: { fullName: string | null; email: string | null } | null };

/** A batch lookup of these ids, as the partner sends them. */
async function batch(ids: string[], first = 500) {
  const res = await asPartner(gw, apiKey, BATCH, { ids, first });
  return res;
}

/** The partner's ids for these subjects (internal ids). */
const theirs = (ids: string[]) => ids.map((id) => scope.external(id));
const internalOf = (nodes: Array<{ id: string }>) => nodes.map((n) => scope.internal(n.id));

beforeAll(async () => {
  gw = await startTestGateway({ customers: 60, seed: 7 });
  const po = admin(gw);
  const partnerId = await po.createPartner({ kind: "SERVICE_PROVIDER", region: "EU" });
  await po.createGrant(partnerId, {
    purposes: ["CUSTOMER_SUPPORT"],
    categories: ["user.name", "user.contact"],
    subjectScope: "ALL",
    regions: ["EU", "UK", "US", "CA", "CH", "BR"],
    transferBasis: "SCC-2021",
  });
  apiKey = (await po.issueKey(partnerId)).apiKey;
  scope = partnerIdScope(gw, partnerId, "customer_support");
  all = await gw.database.db.select({ id: customers.id, status: customers.status }).from(customers);
  const page = await asPartner(gw, apiKey, `query P @purpose(name: CUSTOMER_SUPPORT) { customers(first: 500) { edges { node { id } } } }`);
  expect(page.body.errors).toBeUndefined();
  visible = internalOf(page.body.data.customers.edges.map((e: { node: { id: string } }) => e.node)) as string[];
  // The seed's restricted and erased subjects are out of sight for customer_support.
  expect(visible.length).toBeGreaterThan(10);
  expect(all.length).toBeGreaterThan(visible.length);
});
afterAll(async () => {
  await gw?.close();
});

describe("customers(filter: { ids }) for a partner", () => {
  it("answers exactly the listed subjects the caller may see, in its scope's page order, each as a single lookup would", async () => {
    const hidden = all.filter((c) => !visible.includes(c.id)).map((c) => c.id);
    const ids = [...visible.slice(0, 5), ...hidden.slice(0, 2), randomUUID()];
    const res = await batch(theirs(ids));
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    const nodes = res.body.data.customers.edges.map((e: { node: Node }) => e.node) as Node[];
    expect(internalOf(nodes)).toEqual(visible.slice(0, 5)); // `visible` is a page of the same scope: its order
    expect(res.body.data.customers.totalCount).toBe(5);
    // The ids it received, sent back, reach the same subjects.
    for (const node of nodes) {
      const one = await asPartner(gw, apiKey, ONE, { id: node.id });
      expect(one.body.errors).toBeUndefined();
      expect(one.body.data.customer).toEqual(node);
    }
    // What left is recorded for exactly those subjects.
    const requestId = res.headers.get("x-request-id")!;
    const logged = await gw.database.db
      .select({ customerId: disclosureLog.customerId })
      .from(disclosureLog)
      .where(eq(disclosureLog.requestId, requestId));
    expect(logged.map((r) => r.customerId).sort()).toEqual(internalOf(nodes).sort());
  });

  it("leaves out an id the caller may not see exactly as an id that does not exist", async () => {
    const hidden = all.find((c) => !visible.includes(c.id))!.id;
    const a = await batch(theirs([visible[0]!, hidden]));
    const b = await batch(theirs([visible[0]!, randomUUID()]));
    expect(a.status).toBe(b.status);
    expect(a.body).toEqual(b.body);
  });

  it("is the page restricted to the list, for any list (generated)", async () => {
    const pool = [...all.map((c) => c.id), ...Array.from({ length: 5 }, () => randomUUID())];
    await fc.assert(
      fc.asyncProperty(fc.subarray(pool, { minLength: 0, maxLength: 20 }), fc.integer({ min: 1, max: 25 }), async (ids, first) => {
        const res = await batch(theirs(ids), first);
        expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
        const expected = visible.filter((id) => ids.includes(id)); // in the scope's page order, as `visible` is
        expect(res.body.data.customers.totalCount).toBe(expected.length);
        expect(internalOf(res.body.data.customers.edges.map((e: { node: Node }) => e.node))).toEqual(expected.slice(0, first));
        expect(res.body.data.customers.pageInfo.hasNextPage).toBe(expected.length > first);
      }),
      { numRuns: 30, seed: 1205 },
    );
  });

  it("refuses a list that is too long or holds something that is not an id, before reading anything", async () => {
    // The same refusal point as a bad `first`: authentication and the rate limit, then nothing.
    const statementsOf = async (ids: string[], first = 500) => {
      const before = gw.database.statements;
      const res = await batch(ids, first);
      return { res, statements: gw.database.statements - before };
    };
    const badFirst = await statementsOf(theirs([visible[0]!]), 0);
    expect(badFirst.res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const tooLong = await statementsOf(Array.from({ length: 501 }, () => randomUUID()));
    expect(tooLong.res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(tooLong.res.body.errors[0].message).toBe("`filter.ids` holds at most 500 ids.");
    expect(tooLong.statements).toBe(badFirst.statements);
    const notAnId = await statementsOf([...theirs([visible[0]!]), "jane.doe@example.com"]);
    expect(notAnId.res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(notAnId.res.body.errors[0].message).not.toContain("jane");
    expect(notAnId.res.body.data?.customers ?? null).toBeNull();
    expect(notAnId.statements).toBe(badFirst.statements);
  });

  it("gives a customer at most themself, whatever the list", async () => {
    const own = visible[0]!;
    const res = await gw.post(
      {
        query: `query($ids: [ID!]!) { customers(first: 10, filter: { ids: $ids }) { totalCount edges { node { id } } } }`,
        variables: { ids: [own, visible[1]!, visible[2]!] },
      },
      bearer(await gw.token("customer", own)),
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customers).toEqual({ totalCount: 1, edges: [{ node: { id: own } }] });
  });
});
