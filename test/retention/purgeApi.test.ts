import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { personalColumns } from "../../src/datamap/columns.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { purge, PURGE_LOCK_KEY, PurgeNotRun } from "../../src/retention/purge.js";
import { queryRows } from "../helpers/queryRows.js";
import { onServer } from "../helpers/testDatabase.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/**
 * `runRetentionPurge` through the API: the privacy office alone, under legal_compliance; a dry
 * run reports what the run would do and changes nothing; the answer holds counts, never a value.
 */

const RUN = `mutation Run($dryRun: Boolean) { runRetentionPurge(dryRun: $dryRun) {
  id ranAt dryRun policyVersion
  tables { table deleted anonymised held }
  rules { table category retention action columns cutoff deleted anonymised held }
  disclosureLog { retention cutoff partitionsDropped recordsDeleted held deferred }
  storage { tables method failure ms }
} }`;
const OLD_VISIT = "00000000-0000-4000-8000-00000000b001";
const OLD_IP = "198.51.100.201";

describe("runRetentionPurge", () => {
  let gw: TestGateway;
  let customerId: string;
  const officer = async (purpose = "legal_compliance") => ({
    ...bearer(await gw.token("privacy_officer", "po-purge")),
    "x-purpose": purpose,
  });
  const state = async () =>
    JSON.stringify(
      await queryRows(
        gw.database.db,
        sql`select
    (select count(*)::int from visits) as visits,
    (select count(*)::int from visits where ip_address = ${OLD_IP}) as exact_ip,
    (select count(*)::int from purge_runs) as runs`,
      ),
    );

  beforeAll(async () => {
    gw = await startTestGateway({ customers: 10 });
    const [customer] = await queryRows<{ id: string }>(
      gw.database.db,
      sql`select id from customers where status = 'active' order by id limit 1`,
    );
    customerId = customer!.id;
    // Due whatever today is: two years old, past the visits' 13 months and the IP addresses' 90 days.
    await gw.database.db.execute(sql`insert into visits (id, customer_id, ip_address, user_agent, device, operating_system, language, referrer, page, visited_at)
      values (${OLD_VISIT}, ${customer!.id}, ${OLD_IP}, 'UA', 'desktop', 'Linux', 'en-GB', null, '/', now() - interval '2 years')`);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("is refused to everyone but the privacy office, and to it outside legal_compliance; nothing runs", async () => {
    const before = await state();
    for (const [who, headers, code] of [
      ["support agent", { ...bearer(await gw.token("support_agent")), "x-purpose": "customer_support" }, "FORBIDDEN"],
      ["legal", { ...bearer(await gw.token("legal")), "x-purpose": "legal_compliance" }, "FORBIDDEN"],
      ["customer", bearer(await gw.token("customer", customerId)), "FORBIDDEN"],
      ["partner", { "x-api-key": gw.seeded.apiKeys[0]!.apiKey, "x-purpose": "marketing" }, undefined],
      ["privacy office under subject_request", await officer("subject_request"), "PURPOSE_NOT_ALLOWED"],
    ] as const) {
      const res = await gw.post({ query: RUN, variables: { dryRun: false } }, headers);
      expect(res.body.data?.runRetentionPurge ?? null, who).toBeNull();
      if (code) expect(res.body.errors?.[0]?.extensions?.code, who).toBe(code);
      else expect(res.body.errors?.length, who).toBeGreaterThan(0);
    }
    expect(await state()).toBe(before);
  });

  it("dry run: reports the due rows and changes nothing; the run then does what the dry run said and records it", async () => {
    const before = await state();
    const dry = await gw.post({ query: RUN, variables: { dryRun: true } }, await officer());
    expect(dry.status).toBe(200);
    expect(dry.body.errors).toBeUndefined();
    const preview = dry.body.data.runRetentionPurge;
    expect(preview).toMatchObject({ id: null, dryRun: true, storage: null });
    const visits = (r: typeof preview) => r.tables.find((t: { table: string }) => t.table === "visits");
    expect(visits(preview).deleted).toBeGreaterThanOrEqual(1);
    expect(await state()).toBe(before);

    const run = (await gw.post({ query: RUN }, await officer())).body.data.runRetentionPurge;
    expect(run).toMatchObject({ dryRun: false, id: expect.any(String), tables: preview.tables });
    expect(run.storage).toMatchObject({ failure: null, tables: expect.arrayContaining(["visits"]) });
    const [after] = await queryRows<{ visits: number; exact_ip: number; runs: number }>(
      gw.database.db,
      sql`select
      (select count(*)::int from visits) as visits, (select count(*)::int from visits where id = ${OLD_VISIT}) as exact_ip,
      (select count(*)::int from purge_runs where id = ${run.id}) as runs`,
    );
    expect(after).toMatchObject({ exact_ip: 0, runs: 1 });
    expect(after!.visits).toBe(JSON.parse(before)[0].visits - visits(run).deleted);
    // Counts, categories, column and table names: no value of the purged rows.
    expect(JSON.stringify(run)).not.toContain(OLD_IP);
  });

  it("two purges at once on one database: one runs, the other is refused as in progress (PGlite's one connection too)", async () => {
    const options = {
      policy: DEFAULT_POLICY,
      now: new Date(),
      columns: personalColumns(getDataMap(await buildGatewaySchema())),
      dryRun: true,
    };
    const outcomes = await Promise.allSettled([purge(gw.database.db, options), purge(gw.database.db, options)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(PurgeNotRun);
    expect((refused.reason as PurgeNotRun).reason).toBe("in_progress");
  });

  it.skipIf(!onServer)("answers PURGE_IN_PROGRESS while another purge holds the lock (a PostgreSQL server: another session)", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = gw.database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(PURGE_LOCK_KEY))})`);
      locked();
      await held;
    });
    await isLocked;
    try {
      const res = await gw.post({ query: RUN, variables: { dryRun: true } }, await officer());
      expect(res.body.data).toBeNull();
      expect(res.body.errors?.[0]?.extensions?.code).toBe("PURGE_IN_PROGRESS");
    } finally {
      release();
      await holder;
    }
  });
});
