import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disclosureLog, profiles, type DisclosureRow } from "../../src/db/schema/index.js";
import { createEnforcement } from "../../src/enforcement/createEnforcement.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { createGateway } from "../../src/server/createGateway.js";
import { createLogger } from "../../src/server/logger.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { subjectWithStatus } from "../helpers/subjects.js";
import { openPolicy } from "../../src/server/policyInForce.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 40 });
});
afterAll(async () => {
  await gw?.close();
});

const PAGE = `query Q($first: Int!) @purpose(name: CUSTOMER_SUPPORT) { customers(first: $first) { edges { node { id profile { fullName email } accounts { accountNumber } } } } }`;

describe("the disclosure log", () => {
  it("records one row per subject with coordinates and effects, never a value", async () => {
    const chosen = randomUUID();
    const res = await gw.post(
      { query: PAGE, variables: { first: 5 } },
      { ...bearer(await gw.token("support_agent", "agent-7")), "x-request-id": chosen },
    );
    expect(res.status).toBe(200);
    // The gateway's own request id, never one the caller chose.
    const requestId = res.headers.get("x-request-id")!;
    expect(requestId).not.toBe(chosen);
    expect(await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.requestId, chosen))).toEqual([]);
    const rows = await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.requestId, requestId));
    const ids = res.body.data.customers.edges.map((e: { node: { id: string } }) => e.node.id).sort();
    expect(rows.map((r) => r.customerId).sort()).toEqual(ids);
    for (const row of rows) {
      expect(row).toMatchObject({ callerKind: "staff", callerId: "agent-7", role: "support_agent", purpose: "customer_support" });
      expect(row.disclosed).toEqual(expect.arrayContaining(["Profile.email", "Profile.fullName"]));
      expect(row.masked).toEqual(["Account.accountNumber"]);
    }
    const values = (await gw.database.db.select({ email: profiles.email, name: profiles.fullName }).from(profiles))
      .flatMap((p) => [p.email, p.name])
      .filter((v): v is string => Boolean(v));
    const logged = JSON.stringify(await gw.database.db.select().from(disclosureLog));
    for (const value of values) expect(logged).not.toContain(value);
  });

  it("hands a request's records to the `write` given to createEnforcement, which alone decides what is stored", async () => {
    // What bench:where's "records not written" side relies on: the records are built as in production.
    const written: DisclosureRow[][] = [];
    const logger = createLogger({ level: "silent" });
    const enforcement = createEnforcement(await buildGatewaySchema(), { logger, write: async (_db, rows) => void written.push(rows) });
    const other = await createGateway({
      config: gw.config,
      database: gw.database,
      logger,
      schema: enforcement.schema,
      dataMap: enforcement.dataMap,
      plugins: enforcement.plugins,
      policy: await openPolicy({ file: gw.config.policyFile, schemaCategories: enforcement.dataMap.categories, logger }),
    });
    const url = await other.listen();
    try {
      const res = await fetch(url, {
        method: "POST",
        body: JSON.stringify({ query: PAGE, variables: { first: 4 } }),
        headers: { "content-type": "application/json", ...bearer(await gw.token("support_agent", "agent-8")) },
      });
      const requestId = res.headers.get("x-request-id")!;
      const body = (await res.json()) as { data: { customers: { edges: { node: { id: string } }[] } } };
      expect(res.status).toBe(200);
      expect(written).toHaveLength(1);
      expect(written[0]!.map((r) => r.customerId).sort()).toEqual(body.data.customers.edges.map((e) => e.node.id).sort());
      for (const row of written[0]!)
        expect(row).toMatchObject({ requestId, callerId: "agent-8", purpose: "customer_support", masked: ["Account.accountNumber"] });
      expect(await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.requestId, requestId))).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("loses nothing under concurrent requests: rows equal (request, subject) pairs", async () => {
    const token = await gw.token("support_agent");
    const before = (await gw.database.db.select({ n: sql<number>`count(*)::int` }).from(disclosureLog))[0]!.n;
    const sizes = Array.from({ length: 24 }, (_, i) => 1 + (i % 6));
    const results = await Promise.all(sizes.map((first) => gw.post({ query: PAGE, variables: { first } }, bearer(token))));
    for (const r of results) expect(r.status).toBe(200);
    const after = (await gw.database.db.select({ n: sql<number>`count(*)::int` }).from(disclosureLog))[0]!.n;
    expect(after - before).toBe(sizes.reduce((a, b) => a + b, 0));
  });

  it("fails closed: when the record cannot be written the response carries no data", async () => {
    const token = await gw.token("support_agent");
    await gw.database.db.execute(sql`alter table disclosure_events rename to disclosure_events_away`);
    try {
      const res = await gw.post({ query: PAGE, variables: { first: 3 } }, bearer(token));
      expect(res.status).toBe(503);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors).toEqual([expect.objectContaining({ extensions: { code: "DISCLOSURE_NOT_RECORDED" } })]);
      expect(JSON.stringify(res.body)).not.toMatch(/@|\*\*\*\*/);
    } finally {
      await gw.database.db.execute(sql`alter table disclosure_events_away rename to disclosure_events`);
    }
    const again = await gw.post({ query: PAGE, variables: { first: 3 } }, bearer(token));
    expect(again.status).toBe(200);
  });

  it("records a customer's own reads and a GPC signal as an advertising opt-out, once", async () => {
    const me = await subjectWithStatus(gw.database.db, "active");
    const headers = { ...bearer(await gw.token("customer", me)), "sec-gpc": "1" };
    const consents = async () =>
      (await gw.post({ query: "{ me { consents { purpose granted source } } }" }, headers)).body.data.me.consents.filter(
        (c: { purpose: string }) => c.purpose === "advertising",
      );
    expect(await consents()).toEqual([{ purpose: "advertising", granted: false, source: expect.any(String) }]);
    const events = () =>
      gw.database.db.execute(
        sql`select count(*)::int as n from consent_events where customer_id = ${me} and purpose = 'advertising' and source = 'gpc'`,
      );
    const count = async () => {
      const r = await events();
      return ((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows)[0] as { n: number }).n;
    };
    const first = await count();
    await consents();
    expect(await count()).toBe(first);
    expect(first).toBeGreaterThanOrEqual(1);
  });
});
