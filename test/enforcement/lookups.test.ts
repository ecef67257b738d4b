import fc from "fast-check";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customers, disclosureLog, profiles } from "../../src/db/schema/index.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

/**
 * Lookups are reads (DESIGN.md section 3): a subject matched by a personal value (an email, a
 * status, a residency) is a disclosure of that subject, recorded under the input's coordinate,
 * whatever the operation selects of it (its fields, only its id, only a count, nothing at all).
 */

let gw: TestGateway;
let support: Record<string, string>;
let active: Array<{ id: string; email: string }>;

beforeAll(async () => {
  gw = await startTestGateway({ customers: 40 });
  support = { ...bearer(await gw.token("support_agent", "agent-1")), "x-purpose": "customer_support" };
  active = (
    await gw.database.db
      .select({ id: customers.id, email: profiles.email })
      .from(customers)
      .innerJoin(profiles, eq(profiles.customerId, customers.id))
      .where(eq(customers.status, "active"))
  ).filter((r): r is { id: string; email: string } => typeof r.email === "string");
});
afterAll(async () => {
  await gw?.close();
});

/** The subjects the request's disclosure records name, with the coordinates disclosed to it. */
async function recorded(requestId: string): Promise<Map<string, string[]>> {
  const rows = await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.requestId, requestId));
  return new Map(rows.map((r) => [r.customerId, r.disclosed]));
}

const SELECTIONS = {
  fields: "edges { node { id profile { fullName } } }",
  ids: "edges { node { id } }",
  count: "totalCount",
  nothing: "pageInfo { hasNextPage }",
} as const;

describe("a subject matched by a personal value is recorded", () => {
  it("by email, whatever is selected: the matched subject, under CustomerFilter.email, and no one else", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...active),
        fc.constantFrom(...(Object.keys(SELECTIONS) as (keyof typeof SELECTIONS)[])),
        fc.boolean(),
        fc.boolean(),
        async (subject, selection, upper, unknown) => {
          const email = unknown ? `nobody-${subject.id}@example.invalid` : upper ? subject.email.toUpperCase() : subject.email;
          const res = await gw.post(
            {
              query: `query($e: String!) { customers(first: 5, filter: { email: $e }) { ${SELECTIONS[selection]} } }`,
              variables: { e: email },
            },
            support,
          );
          expect(res.status).toBe(200);
          const log = await recorded(res.headers.get("x-request-id")!);
          if (unknown) expect([...log.keys()]).toEqual([]);
          else {
            expect([...log.keys()]).toEqual([subject.id]);
            expect(log.get(subject.id)).toContain("CustomerFilter.email");
          }
        },
      ),
      { numRuns: 30, seed: 2107 },
    );
  });

  it("shows in the subject's own accounting, with the email's category", async () => {
    const subject = active[0]!;
    await gw.post(
      { query: `query($e: String!) { customers(filter: { email: $e }) { totalCount } }`, variables: { e: subject.email } },
      support,
    );
    const mine = await gw.post(
      { query: "{ me { disclosures { role categories disclosed } } }" },
      bearer(await gw.token("customer", subject.id)),
    );
    const lookup = mine.body.data.me.disclosures.find((d: { disclosed: string[] }) => d.disclosed.includes("CustomerFilter.email"));
    expect(lookup).toMatchObject({ role: "support_agent", categories: ["user.contact.email"] });
  });

  it("by status: a count records every subject it counts", async () => {
    const res = await gw.post({ query: "{ customers(first: 1, filter: { status: ACTIVE }) { totalCount } }" }, support);
    const count = res.body.data.customers.totalCount as number;
    const log = await recorded(res.headers.get("x-request-id")!);
    expect(count).toBeGreaterThan(1);
    expect(log.size).toBe(count);
    for (const disclosed of log.values()) expect(disclosed).toContain("CustomerFilter.status");
    const statuses = await gw.database.db
      .select({ status: customers.status })
      .from(customers)
      .where(inArray(customers.id, [...log.keys()]));
    expect(statuses.every((s) => s.status === "active")).toBe(true);
  });
});

describe("a read that returns only identifiers is recorded as one", () => {
  const support2 = async () => ({ ...bearer(await gw.token("support_agent", "agent-2")), "x-purpose": "customer_support" });
  const subjectsOf = async (res: { headers: Headers }) => recorded(res.headers.get("x-request-id")!);

  it("ids, cursors, a match by id (even counted only) and an explanation each record the subject's id", async () => {
    const staff = await support2();
    const ids = await gw.post({ query: "{ customers(first: 3) { edges { node { id } } } }" }, staff);
    const page = ids.body.data.customers.edges.map((e: { node: { id: string } }) => e.node.id as string);
    const log = await subjectsOf(ids);
    expect([...log.keys()].sort()).toEqual([...page].sort());
    for (const disclosed of log.values()) expect(disclosed).toEqual(["Customer.id"]);

    const cursors = await gw.post({ query: "{ customers(first: 2) { edges { cursor } } }" }, staff);
    expect((await subjectsOf(cursors)).size).toBe(2);
    const counted = await gw.post(
      { query: "query($ids: [ID!]!) { customers(filter: { ids: $ids }) { totalCount } }", variables: { ids: page } },
      staff,
    );
    expect([...(await subjectsOf(counted)).keys()].sort()).toEqual([...page].sort());
    const typename = await gw.post({ query: `{ customer(id: "${page[0]}") { __typename } }` }, staff);
    expect([...(await subjectsOf(typename)).keys()]).toEqual([page[0]]);
    const explained = await gw.post({ query: `{ explainAccess(subjectId: "${page[0]}", coordinate: "Profile.email") { effect } }` }, staff);
    expect([...(await subjectsOf(explained)).keys()]).toEqual([page[0]]);
  });

  it("hasNextPage under a filter by ids identifies the next subject: recorded; a next subject not matched is not told", async () => {
    const staff = await support2();
    const ids = (await gw.post({ query: "{ customers(first: 3) { edges { node { id } } } }" }, staff)).body.data.customers.edges.map(
      (e: { node: { id: string } }) => e.node.id as string,
    );
    const query = "query($ids: [ID!]!) { customers(first: 1, filter: { ids: $ids }) { pageInfo { hasNextPage } } }";
    const two = await gw.post({ query, variables: { ids: ids.slice(0, 2) } }, staff);
    expect(two.body.data.customers.pageInfo.hasNextPage).toBe(true);
    // Both subjects are told to be there: the page's and the next one.
    expect([...(await subjectsOf(two)).keys()].sort()).toEqual(ids.slice(0, 2).sort());
    const one = await gw.post({ query, variables: { ids: ids.slice(0, 1) } }, staff);
    expect(one.body.data.customers.pageInfo.hasNextPage).toBe(false);
    expect([...(await subjectsOf(one)).keys()]).toEqual(ids.slice(0, 1));
  });

  it("a page that names no subject (only how many) records none", async () => {
    const res = await gw.post({ query: "{ customers(first: 3) { edges { node { __typename } } } }" }, await support2());
    expect((await subjectsOf(res)).size).toBe(0);
  });
});
