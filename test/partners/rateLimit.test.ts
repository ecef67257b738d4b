import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disclosureLog, rateLimitWindows } from "../../src/db/schema/index.js";
import { count } from "drizzle-orm";
import { createPartnerRateLimiter, deleteStaleRateLimitWindows, rateLimitKey } from "../../src/server/rateLimit/partnerRateLimit.js";
import { UNFLUSHED_APPLICATION_NAME } from "../../src/db/client.js";
import { queryRows } from "../helpers/queryRows.js";
import { onServer } from "../helpers/testDatabase.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { admin, asPartner, myGrantQuery } from "./support.js";

/**
 * Per-key rate limits from the grant, counted in PostgreSQL (shared by every replica): over the
 * limit, HTTP 429 RATE_LIMITED with Retry-After, and nothing executes.
 */

let gw: TestGateway;
let po: ReturnType<typeof admin>;

beforeAll(async () => {
  gw = await startTestGateway({ customers: 20 });
  po = admin(gw);
});
afterAll(async () => {
  await gw?.close();
});

/** Waits out the last seconds of a minute so that a short burst falls in one window. */
async function awayFromWindowEdge() {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 52_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 200));
}

const READ = "query R @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { edges { node { profile { fullName } } } } }";

async function disclosures() {
  const [row] = await gw.database.db.select({ n: count() }).from(disclosureLog);
  return row!.n;
}

describe("rate limit", () => {
  it("a grant of 3/minute: the 4th request gets 429 with Retry-After, nothing executed; the counter row is in the database", async () => {
    const partnerId = await po.createPartner({ kind: "SERVICE_PROVIDER", region: "EU" });
    await po.createGrant(partnerId, { purposes: ["CUSTOMER_SUPPORT"], categories: ["user.name"], regions: ["EU"], requestsPerMinute: 3 });
    const key = await po.issueKey(partnerId);
    await awayFromWindowEdge();

    for (let i = 1; i <= 3; i++) {
      const res = await asPartner(gw, key.apiKey, READ);
      expect(res.status, `request ${i}`).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.headers.get("x-ratelimit-limit")).toBe("3");
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(3 - i));
      expect(res.headers.get("retry-after")).toBeNull();
    }

    const logged = await disclosures();
    const statementsBefore = gw.database.statements;
    const limited = await asPartner(gw, key.apiKey, READ);
    const statements = gw.database.statements - statementsBefore;
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: "RATE_LIMITED", limit: 3 }) })],
    });
    expect(limited.body).not.toHaveProperty("data");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.errors[0].extensions.retryAfterSeconds).toBe(retryAfter);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    // Authentication (key, grants) and the counter only: nothing executed, nothing disclosed.
    expect(statements).toBeLessThanOrEqual(3);
    expect(await disclosures()).toBe(logged);

    const rows = await gw.database.db
      .select()
      .from(rateLimitWindows)
      .where(eq(rateLimitWindows.key, rateLimitKey(key.keyId)));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.count).toBe(4);
    expect(rows[0]!.windowStart.getTime() % 60_000).toBe(0);
    const nextWindow = rows[0]!.windowStart.getTime() + 60_000;
    expect(Math.abs(Math.ceil((nextWindow - Date.now()) / 1000) - retryAfter)).toBeLessThanOrEqual(2);

    // The limit is per key: a second key of the same partner has its own counter.
    const other = await po.issueKey(partnerId);
    expect((await asPartner(gw, other.apiKey, READ)).status).toBe(200);
    // Staff and customers are not counted.
    const staff = await gw.post({ query: READ }, bearer(await gw.token("support_agent")));
    expect(staff.status).toBe(200);
    expect(staff.headers.get("x-ratelimit-limit")).toBeNull();
  });

  it.skipIf(!onServer)("the counter is written through the unflushed connections (its commit does not wait for the disk)", async () => {
    const partnerId = await po.createPartner({ kind: "SERVICE_PROVIDER", region: "EU" });
    await po.createGrant(partnerId, { purposes: ["CUSTOMER_SUPPORT"], categories: ["user.name"], regions: ["EU"], requestsPerMinute: 10 });
    const key = await po.issueKey(partnerId);
    expect((await asPartner(gw, key.apiKey, READ)).status).toBe(200);
    // pg_stat_activity shows each backend's last statement: the counter's upsert (or its cleanup) ran there.
    const last = await queryRows<{ query: string }>(
      gw.database.db,
      sql`select query from pg_stat_activity where datname = current_database() and application_name = ${UNFLUSHED_APPLICATION_NAME}`,
    );
    expect(last.some((r) => /^(insert into|delete from) "rate_limit_windows"/.test(r.query))).toBe(true);
  });

  it("the limit is read from the grant in force on every request (a new grant applies at once)", async () => {
    const partnerId = await po.createPartner({ kind: "SERVICE_PROVIDER", region: "EU" });
    const first = await po.createGrant(partnerId, {
      purposes: ["CUSTOMER_SUPPORT"],
      categories: ["user.name"],
      regions: ["EU"],
      requestsPerMinute: 1,
    });
    const key = await po.issueKey(partnerId);
    await awayFromWindowEdge();
    expect((await asPartner(gw, key.apiKey, myGrantQuery("CUSTOMER_SUPPORT"))).status).toBe(200);
    expect((await asPartner(gw, key.apiKey, myGrantQuery("CUSTOMER_SUPPORT"))).status).toBe(429);
    await po.revokeGrant(first.id);
    await po.createGrant(partnerId, { purposes: ["CUSTOMER_SUPPORT"], categories: ["user.name"], regions: ["EU"], requestsPerMinute: 10 });
    const res = await asPartner(gw, key.apiKey, myGrantQuery("CUSTOMER_SUPPORT"));
    expect(res.status).toBe(200);
    expect(res.body.data.myGrant.requestsPerMinute).toBe(10);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("7");
  });

  it("concurrent requests are counted atomically: exactly the limit gets through", async () => {
    const partnerId = await po.createPartner({ kind: "SERVICE_PROVIDER", region: "EU" });
    await po.createGrant(partnerId, { purposes: ["CUSTOMER_SUPPORT"], categories: ["user.name"], regions: ["EU"], requestsPerMinute: 5 });
    const key = await po.issueKey(partnerId);
    await awayFromWindowEdge();
    const results = await Promise.all(Array.from({ length: 12 }, () => asPartner(gw, key.apiKey, myGrantQuery("CUSTOMER_SUPPORT"))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
    const [row] = await gw.database.db
      .select()
      .from(rateLimitWindows)
      .where(eq(rateLimitWindows.key, rateLimitKey(key.keyId)));
    expect(row!.count).toBe(12);
  });

  it("windows older than an hour are cleaned; current ones are kept", async () => {
    const db = gw.database.db;
    await db.insert(rateLimitWindows).values([
      { key: "partner_key:oldoldoldold", windowStart: sql`date_trunc('minute', now()) - interval '2 hours'`, count: 9 },
      { key: "partner_key:recentrecent", windowStart: sql`date_trunc('minute', now()) - interval '10 minutes'`, count: 9 },
    ]);
    const deleted = await deleteStaleRateLimitWindows(db);
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await db.select().from(rateLimitWindows).where(eq(rateLimitWindows.key, "partner_key:oldoldoldold"))).toHaveLength(0);
    expect(
      await db
        .select()
        .from(rateLimitWindows)
        .where(and(eq(rateLimitWindows.key, "partner_key:recentrecent"))),
    ).toHaveLength(1);
  });

  it("the limiter itself cleans stale windows every Nth request", async () => {
    const db = gw.database.db;
    await db
      .insert(rateLimitWindows)
      .values({ key: "partner_key:stalestale01", windowStart: sql`date_trunc('minute', now()) - interval '3 hours'`, count: 1 });
    const partnerId = await po.createPartner({ kind: "SERVICE_PROVIDER", region: "EU" });
    const created = await po.createGrant(partnerId, {
      purposes: ["CUSTOMER_SUPPORT"],
      categories: ["user.name"],
      regions: ["EU"],
      requestsPerMinute: 10,
    });
    const limiter = createPartnerRateLimiter({ db, cleanupEvery: 2 });
    const caller = {
      kind: "partner",
      partnerId,
      partnerKind: "service_provider",
      partnerRegion: "EU",
      keyId: "unitunitunit",
      grant: { ...created, id: created.id },
    } as never;
    expect(await limiter.hit(caller)).toMatchObject({ allowed: true, count: 1, limit: 10 });
    expect(await db.select().from(rateLimitWindows).where(eq(rateLimitWindows.key, "partner_key:stalestale01"))).toHaveLength(1);
    expect(await limiter.hit(caller)).toMatchObject({ allowed: true, count: 2, limit: 10 });
    await expect
      .poll(async () => (await db.select().from(rateLimitWindows).where(eq(rateLimitWindows.key, "partner_key:stalestale01"))).length)
      .toBe(0);
  });
});
