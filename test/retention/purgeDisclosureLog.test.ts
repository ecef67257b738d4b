/**
 * The disclosure log's retention: whole months past the cutoff are dropped, the default
 * partition is purged record by record, a month that straddles the cutoff waits, records about a
 * restricted subject are held, and nothing that was not due is lost.
 */
import { sql } from "drizzle-orm";
import type { GraphQLObjectType } from "graphql";
import fc from "fast-check";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, DatabaseHandle } from "../../src/db/client.js";
import { seed } from "../../src/db/seed/seed.js";
import { personalColumns, type PersonalColumn } from "../../src/datamap/columns.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { writeDisclosures } from "../../src/enforcement/disclosureRecords.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { formatPeriod, retentionCutoff } from "../../src/policy/retention.js";
import { formatPurgeReport } from "../../src/retention/format.js";
import { purge } from "../../src/retention/purge.js";
import { purgeDisclosureLog } from "../../src/retention/purgeDisclosureLog.js";
import { disclosurePartitions } from "../helpers/disclosurePartitions.js";
import { disclosureRow } from "../helpers/disclosureRow.js";
import { queryRows } from "../helpers/queryRows.js";
import { createTestDatabase, onServer } from "../helpers/testDatabase.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

let handle: DatabaseHandle;
let db: Database;
let columns: PersonalColumn[];
let active: string;
let restricted: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  columns = personalColumns(getDataMap(await buildGatewaySchema()));
  await seed(db, { customers: 30 });
  [active, restricted] = (await Promise.all(
    ["active", "restricted"].map(async (status) => {
      const [row] = await queryRows<{ id: string }>(db, sql`select id::text from customers where status = ${status} order by id limit 1`);
      return row!.id;
    }),
  )) as [string, string];
}, 120_000);
afterAll(async () => {
  await handle?.close();
});

const requestIds = async (tx: Database) =>
  new Set((await queryRows<{ r: string }>(tx, sql`select request_id as r from disclosure_log`)).map((x) => x.r));
const monthStart = (year: number, month: number) => `${year}-${String(month + 1).padStart(2, "0")}-01`;

/** Runs `body` in a transaction that is always rolled back, so that each case starts from the same log. */
async function rolledBack(body: (tx: Database) => Promise<void>): Promise<void> {
  const ROLLBACK = new Error("rollback");
  await db
    .transaction(async (tx) => {
      await body(tx as unknown as Database);
      throw ROLLBACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
}

describe("the disclosure log's retention", () => {
  // 2025-03-20 less three years: records from before 2022-03-20 are due.
  const NOW = new Date("2025-03-20T09:00:00Z");

  it("drops the months wholly past the cutoff, purges the default partition, waits for a straddling month, holds a restricted subject's records", async () => {
    expect(retentionCutoff(NOW, DEFAULT_POLICY.disclosureLogRetention.period).toISOString()).toBe("2022-03-20T00:00:00.000Z");
    await rolledBack(async (tx) => {
      await tx.execute(sql`select disclosure_events_ensure_partitions('2022-01-01'::date, 4)`);
      const at = (iso: string, who = active) => disclosureRow({ customerId: who, recordedAt: new Date(iso) });
      const rows = {
        january: at("2022-01-15T10:00:00Z"),
        february: at("2022-02-28T23:59:59Z"),
        marchEarly: at("2022-03-05T10:00:00Z"), // before the cutoff, but March 2022 straddles it
        april: at("2022-04-10T10:00:00Z"),
        defaultOld: at("2021-06-10T10:00:00Z"), // no partition for 2021: the default one
        defaultNew: at("2022-06-10T10:00:00Z"), // no partition, after the cutoff
        heldInJanuary: at("2022-01-20T10:00:00Z", restricted),
        heldInDefault: at("2021-07-01T10:00:00Z", restricted),
      };
      await writeDisclosures(tx, Object.values(rows));
      const setsBefore = await queryRows(tx, sql`select id from disclosure_field_sets order by id`);

      const result = await purgeDisclosureLog(tx, NOW, DEFAULT_POLICY);

      expect(result).toEqual({
        retention: "3 years",
        cutoff: "2022-03-20T00:00:00.000Z",
        deferred: false,
        partitionsDropped: ["disclosure_events_2022_01", "disclosure_events_2022_02"],
        recordsDeleted: 1,
        held: 2,
      });
      expect(await disclosurePartitions(tx)).toEqual([
        "disclosure_events_2022_03",
        "disclosure_events_2022_04",
        "disclosure_events_default",
      ]);
      const left = await requestIds(tx);
      const kept = ["marchEarly", "april", "defaultNew", "heldInJanuary", "heldInDefault"] as const;
      expect(
        Object.entries(rows)
          .filter(([, r]) => left.has(r.requestId))
          .map(([k]) => k)
          .sort(),
      ).toEqual([...kept].sort());
      // The held January record reads as before (its set, its time), now from the default partition.
      const [held] = await queryRows<{ partition: string; at: string; disclosed: string[] }>(
        tx,
        sql`
        select e.tableoid::regclass::text as partition, e.recorded_at::text as at, s.disclosed
        from disclosure_events e join disclosure_field_sets s on s.id = e.field_set_id where e.request_id = ${rows.heldInJanuary.requestId}`,
      );
      expect(held).toEqual({ partition: "disclosure_events_default", at: "2022-01-20 10:00:00+00", disclosed: ["Profile.email"] });
      // Field sets hold no subject: none is deleted (the writer relies on it).
      expect(await queryRows(tx, sql`select id from disclosure_field_sets order by id`)).toEqual(setsBefore);

      // A second run the same day finds nothing more to do.
      expect(await purgeDisclosureLog(tx, NOW, DEFAULT_POLICY)).toMatchObject({ partitionsDropped: [], recordsDeleted: 0, held: 2 });
    });
  });

  it("never removes a record that was not due, and removes every one that was (generated logs)", async () => {
    const MONTHS = 36; // January 2021 to December 2023
    const entry = fc.record({
      month: fc.integer({ min: 0, max: MONTHS - 1 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      restricted: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { minLength: 1, maxLength: 25 }),
        fc.uniqueArray(fc.integer({ min: 0, max: MONTHS - 1 }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 30 * 24 }), // `now`: hours after 2024-06-01
        async (entries, partitioned, hours) => {
          const now = new Date(Date.UTC(2024, 5, 1) + hours * 3_600_000);
          const cutoff = retentionCutoff(now, DEFAULT_POLICY.disclosureLogRetention.period);
          await rolledBack(async (tx) => {
            for (const m of partitioned)
              await tx.execute(sql`select disclosure_events_ensure_partitions(${monthStart(2021 + Math.floor(m / 12), m % 12)}::date, 1)`);
            const rows = entries.map((e) => ({
              ...e,
              row: disclosureRow({
                customerId: e.restricted ? restricted : active,
                recordedAt: new Date(Date.UTC(2021 + Math.floor(e.month / 12), e.month % 12, e.day, e.hour)),
              }),
            }));
            await writeDisclosures(
              tx,
              rows.map((r) => r.row),
            );

            const result = await purgeDisclosureLog(tx, now, DEFAULT_POLICY);

            const monthEnd = (m: number) => new Date(Date.UTC(2021 + Math.floor(m / 12), (m % 12) + 1, 1));
            const due = (r: (typeof rows)[number]) =>
              r.row.recordedAt < cutoff && !r.restricted && (!partitioned.includes(r.month) || monthEnd(r.month) <= cutoff);
            const left = await requestIds(tx);
            expect(
              rows
                .filter((r) => !left.has(r.row.requestId))
                .map((r) => r.row.requestId)
                .sort(),
            ).toEqual(
              rows
                .filter(due)
                .map((r) => r.row.requestId)
                .sort(),
            );
            expect(result.partitionsDropped.sort()).toEqual(
              partitioned
                .filter((m) => monthEnd(m) <= cutoff)
                .map((m) => `disclosure_events_${2021 + Math.floor(m / 12)}_${String((m % 12) + 1).padStart(2, "0")}`)
                .sort(),
            );
            expect(result.held).toBe(
              rows.filter(
                (r) => r.restricted && r.row.recordedAt < cutoff && (!partitioned.includes(r.month) || monthEnd(r.month) <= cutoff),
              ).length,
            );
          });
        },
      ),
      { numRuns: 40, seed: 20261205 },
    );
  }, 240_000);

  it("runs as the last step of npm run purge: reported, stored in purge_runs, previewed exactly by a dry run", async () => {
    await db.execute(sql`select disclosure_events_ensure_partitions('2021-11-01'::date, 2)`);
    const old = [
      disclosureRow({ customerId: active, recordedAt: new Date("2021-11-11T11:00:00Z") }),
      disclosureRow({ customerId: active, recordedAt: new Date("2021-12-12T12:00:00Z") }),
      disclosureRow({ customerId: active, recordedAt: new Date("2021-05-05T05:00:00Z") }),
    ];
    await writeDisclosures(db, old);

    const dry = await purge(db, { policy: DEFAULT_POLICY, now: NOW, columns, dryRun: true });
    expect(dry.disclosureLog).toEqual({
      retention: "3 years",
      cutoff: "2022-03-20T00:00:00.000Z",
      deferred: false,
      partitionsDropped: ["disclosure_events_2021_11", "disclosure_events_2021_12"],
      recordsDeleted: 1,
      held: 0,
    });
    expect(await disclosurePartitions(db)).toEqual(expect.arrayContaining(["disclosure_events_2021_11", "disclosure_events_2021_12"]));
    expect([...(await requestIds(db))]).toEqual(expect.arrayContaining(old.map((r) => r.requestId)));

    const run = await purge(db, { policy: DEFAULT_POLICY, now: NOW, columns });
    expect(run.disclosureLog).toEqual(dry.disclosureLog);
    expect(await disclosurePartitions(db)).not.toEqual(expect.arrayContaining(["disclosure_events_2021_11"]));
    const left = await requestIds(db);
    expect(old.filter((r) => left.has(r.requestId))).toEqual([]);
    const [stored] = await queryRows<{ log: unknown }>(
      db,
      sql`select report->'disclosureLog' as log from purge_runs where id = ${run.runId}`,
    );
    expect(stored?.log).toEqual(run.disclosureLog);
    expect(formatPurgeReport(run)).toContain(
      "Disclosure log (3 years; records before 2022-03-20 due, a month at a time): 2 monthly partitions dropped (disclosure_events_2021_11, disclosure_events_2021_12), 1 records deleted from the default partition, 0 held (restricted).",
    );
  }, 120_000);

  it("is stated where a subject reads their recipients: the access report's recipients field", async () => {
    const report = (await buildGatewaySchema()).getType("AccessReport") as GraphQLObjectType;
    expect(report.getFields().recipients?.description).toContain(
      `it keeps a record ${formatPeriod(DEFAULT_POLICY.disclosureLogRetention.period)}, then drops it a month at a time`,
    );
  });

  it.skipIf(!onServer)(
    "defers the log's part while another session holds the log, and commits the rest of the purge",
    async () => {
      await db.execute(sql`select disclosure_events_ensure_partitions('2021-09-01'::date, 1)`);
      const september = disclosureRow({ customerId: active, recordedAt: new Date("2021-09-09T09:00:00Z") });
      await writeDisclosures(db, [september]);
      const [{ name }] = (await queryRows<{ name: string }>(db, sql`select current_database() as name`)) as [{ name: string }];
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      const other = postgres(url.toString(), { max: 1, onnotice: () => {} });
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const holding = new Promise<void>((resolve, reject) => {
        other
          .begin(async (tx) => {
            await tx`lock table disclosure_events in access share mode`; // a long read of the log
            resolve();
            await released;
          })
          .catch(reject);
      });
      try {
        await holding;
        const runsBefore = (await queryRows(db, sql`select id from purge_runs`)).length;
        const run = await purge(db, { policy: DEFAULT_POLICY, now: NOW, columns });
        expect(run.disclosureLog).toMatchObject({ deferred: true, partitionsDropped: [], recordsDeleted: 0 });
        expect(await disclosurePartitions(db)).toContain("disclosure_events_2021_09");
        expect((await queryRows(db, sql`select id from purge_runs`)).length).toBe(runsBefore + 1);
      } finally {
        release();
        await other.end();
      }
      const later = await purge(db, { policy: DEFAULT_POLICY, now: NOW, columns });
      expect(later.disclosureLog).toMatchObject({ deferred: false, partitionsDropped: ["disclosure_events_2021_09"] });
      expect((await requestIds(db)).has(september.requestId)).toBe(false);
    },
    120_000,
  );
});
