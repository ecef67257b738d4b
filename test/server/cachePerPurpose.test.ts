import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { disclosureLog } from "../../src/db/schema/index.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

/**
 * A frontend's normalised cache must not carry an answer decided for one purpose into a read for
 * another: that read would get no request, no decision and no disclosure record. The documented
 * setups, one Apollo Client (one cache) per purpose or `fetchPolicy: "no-cache"`, are held to it
 * here; the first test shows what a single shared cache does.
 */

let gw: TestGateway;
let token: string;

const PAGE = gql`query Audience { customers(first: 3) { edges { node { id profile { fullName email } } } } }`;

/** As docs/customers-and-clients.md shows it: one client, and so one cache, per purpose. */
const clientFor = (purpose: string) =>
  new ApolloClient({
    link: new HttpLink({ uri: gw.url, headers: { authorization: `Bearer ${token}`, "x-purpose": purpose } }),
    cache: new InMemoryCache(),
  });

beforeAll(async () => {
  gw = await startTestGateway();
  token = await gw.token("marketing_analyst");
});
afterAll(async () => {
  await gw?.close();
});
/** Requests recorded before the test began. */
let earlier = new Set<string>();
beforeEach(async () => {
  earlier = new Set((await gw.database.db.select({ requestId: disclosureLog.requestId }).from(disclosureLog)).map((r) => r.requestId));
});

/** Requests of this test recorded in the disclosure log for a purpose, and the subjects each read. */
async function recordedFor(purpose: string): Promise<Map<string, string[]>> {
  const rows = await gw.database.db
    .select({ requestId: disclosureLog.requestId, customerId: disclosureLog.customerId })
    .from(disclosureLog)
    .where(eq(disclosureLog.purpose, purpose));
  const byRequest = new Map<string, string[]>();
  for (const row of rows.filter((r) => !earlier.has(r.requestId)))
    byRequest.set(row.requestId, [...(byRequest.get(row.requestId) ?? []), row.customerId]);
  return byRequest;
}

/** An answer without the `__typename`s Apollo Client adds to every selection. */
const withoutTypenames = (data: unknown) => JSON.parse(JSON.stringify(data, (key, value) => (key === "__typename" ? undefined : value)));

/** The page as the gateway decides it for a purpose, read without any client cache. */
async function decidedFor(purpose: string) {
  const res = await gw.post({ query: PAGE.loc!.source.body }, { ...bearer(token), "x-purpose": purpose });
  return res.body.data;
}

describe("frontend caches and purposes", () => {
  it("a single shared cache serves an analytics read from the marketing answer: no request, no record (why the docs say not to)", async () => {
    const shared = new ApolloClient({ link: new HttpLink({ uri: gw.url, headers: bearer(token) }), cache: new InMemoryCache() });
    await shared.query({ query: PAGE, context: { headers: { "x-purpose": "marketing" } } });
    const analytics = await shared.query({ query: PAGE, context: { headers: { "x-purpose": "analytics" } } });
    expect((await recordedFor("analytics")).size).toBe(0);
    expect(withoutTypenames(analytics.data)).not.toEqual(await decidedFor("analytics"));
  });

  it("one client per purpose: the analytics read after a marketing read makes its own request, gets its own records and its own answer", async () => {
    const marketing = clientFor("marketing");
    const analytics = clientFor("analytics");
    await marketing.query({ query: PAGE });
    const answer = await analytics.query({ query: PAGE });
    const [marketingRequests, analyticsRequests] = [await recordedFor("marketing"), await recordedFor("analytics")];
    expect(marketingRequests.size).toBe(1);
    expect(analyticsRequests.size).toBe(1);
    const [subjects] = [...analyticsRequests.values()];
    expect(subjects!.length).toBe(new Set(subjects).size); // each subject recorded once
    expect(withoutTypenames(answer.data)).toEqual(await decidedFor("analytics"));
    // A second analytics read may come from the analytics cache: still the analytics answer.
    expect((await analytics.query({ query: PAGE })).data).toEqual(answer.data);
  });

  it("or one client that never caches: every read is a request of its own purpose", async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: gw.url, headers: bearer(token) }),
      cache: new InMemoryCache(),
      defaultOptions: { query: { fetchPolicy: "no-cache" }, watchQuery: { fetchPolicy: "no-cache" } },
    });
    await client.query({ query: PAGE, context: { headers: { "x-purpose": "marketing" } } });
    const answer = await client.query({ query: PAGE, context: { headers: { "x-purpose": "analytics" } } });
    expect((await recordedFor("marketing")).size).toBe(1);
    expect((await recordedFor("analytics")).size).toBe(1);
    expect(withoutTypenames(answer.data)).toEqual(await decidedFor("analytics"));
  });
});
