import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "../../src/db/client.js";
import { seed } from "../../src/db/seed/seed.js";
import { personalColumns, type PersonalColumn } from "../../src/datamap/columns.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { createLogger } from "../../src/server/logger.js";
import { startPurgeSchedule } from "../../src/server/startPurgeSchedule.js";
import { queryRows } from "../helpers/queryRows.js";
import { createTestDatabase, onServer } from "../helpers/testDatabase.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/**
 * The retention purge on the server's schedule: a run at start, then one per slot, recorded in
 * purge_runs as any other; and replicas on one PostgreSQL server, ticking together, one run per slot.
 */

const SLOT_MS = 1_500;

let columns: PersonalColumn[];
beforeAll(async () => {
  columns = personalColumns(getDataMap(await buildGatewaySchema()));
});

const sink = (lines: string[]) =>
  createLogger({
    level: "debug",
    destination: new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
/** The recorded runs per slot, oldest slot first. */
async function runsPerSlot(handle: DatabaseHandle): Promise<number[]> {
  const rows = await queryRows<{ slot: string; n: number }>(
    handle.db,
    sql`select floor(extract(epoch from ran_at) * 1000 / ${SLOT_MS})::text as slot, count(*)::int as n from purge_runs group by 1 order by 1`,
  );
  return rows.map((r) => Number(r.n));
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until the start of the next slot and a little past it, so a test spans whole slots. */
const nextSlot = () => sleep(SLOT_MS - (Date.now() % SLOT_MS) + 50);

describe("the purge schedule", () => {
  it("runs at start, then once per slot; stop() waits for a run under way and ends the schedule", async () => {
    const handle = await createTestDatabase();
    try {
      await seed(handle.db, { customers: 5 });
      const lines: string[] = [];
      await nextSlot();
      const schedule = startPurgeSchedule({
        policy: () => DEFAULT_POLICY,
        db: handle.db,
        columns,
        intervalMs: SLOT_MS,
        logger: sink(lines),
      });
      await sleep(2 * SLOT_MS + 200);
      await schedule.stop();
      // A slow first run (it deletes and reclaims) may overrun a slot: never two runs in one.
      const runs = await runsPerSlot(handle);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(new Set(runs)).toEqual(new Set([1]));
      expect(lines.filter((l) => /"msg":"retention purge ran"/.test(l))).toHaveLength(runs.length);
      await sleep(SLOT_MS);
      expect(await runsPerSlot(handle)).toEqual(runs);
      // Counts only in the log.
      expect(JSON.parse(lines.find((l) => /retention purge ran/.test(l))!)).toMatchObject({
        runId: expect.any(String),
        deleted: expect.any(Number),
        anonymised: expect.any(Number),
      });
    } finally {
      await handle.close();
    }
  });

  it.skipIf(!onServer)("two replicas on one PostgreSQL server, ticking together, run one purge per slot", async () => {
    const name = `gw_sched_${randomUUID().replace(/-/g, "")}`;
    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    const replicas: DatabaseHandle[] = [];
    try {
      for (let i = 0; i < 2; i++) replicas.push(await createDatabase({ url: url.toString(), poolSize: 3 }));
      await replicas[0]!.migrate();
      await seed(replicas[0]!.db, { customers: 5 });
      const lines: string[][] = [[], []];
      await nextSlot();
      const schedules = replicas.map((r, i) =>
        startPurgeSchedule({ policy: () => DEFAULT_POLICY, db: r.db, columns, intervalMs: SLOT_MS, logger: sink(lines[i]!) }),
      );
      await sleep(3 * SLOT_MS + 200);
      await Promise.all(schedules.map((s) => s.stop()));
      const runs = await runsPerSlot(replicas[0]!);
      expect(runs.length).toBeGreaterThanOrEqual(3);
      expect(new Set(runs)).toEqual(new Set([1]));
      // Both tried, in every slot: each ran it or found it running or done; which one wins a slot
      // is a race, so one replica may win them all.
      const ran = lines.map((l) => l.filter((line) => /retention purge ran/.test(line)).length);
      const gaveWay = lines.map((l) => l.filter((line) => /another purge is running|this slot's run is done/.test(line)).length);
      expect(ran[0]! + ran[1]!).toBe(runs.length);
      for (const i of [0, 1]) expect(ran[i]! + gaveWay[i]!, `replica ${i}`).toBeGreaterThanOrEqual(runs.length - 1);
      expect(gaveWay[0]! + gaveWay[1]!).toBeGreaterThanOrEqual(runs.length - 1);
    } finally {
      for (const r of replicas) await r.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
