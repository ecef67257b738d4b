/**
 * What the purge removes leaves the database's files too. On PGlite: the full IP addresses it
 * truncates (and those of the visits it deletes) are in the directory's files before the run and
 * in none after it (tables, indexes, TOAST, WAL). On a PostgreSQL server (TEST_DATABASE_URL): the
 * tables it changed, and only those, are vacuumed after its commit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../src/db/client.js";
import { SEED_AS_OF, seed } from "../../src/db/seed/seed.js";
import { personalColumns, type PersonalColumn } from "../../src/datamap/columns.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { truncateIp } from "../../src/policy/masks.js";
import { purge, type PurgeReport } from "../../src/retention/purge.js";
import { occurrences, placesLeft, storedIpTexts } from "../helpers/dataDirectory.js";
import { queryRows } from "../helpers/queryRows.js";
import { createTestDatabase, onServer } from "../helpers/testDatabase.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/** Four months after the seed's clock: every seeded visit is past the 90 days of its IP address, not all past the 13 months of the visit. */
const NOW = new Date(Date.UTC(SEED_AS_OF.getUTCFullYear(), SEED_AS_OF.getUTCMonth() + 4, SEED_AS_OF.getUTCDate()));

/** The full IP addresses the purge at NOW will remove: of visits it truncates and of visits it deletes (restricted subjects' held). */
async function dueIps(db: Database): Promise<{ truncated: string[]; deleted: string[] }> {
  const rows = await queryRows<{ ip: string; kept: boolean }>(
    db,
    sql`select v.ip_address as ip,
      v.visited_at >= ${NOW.toISOString()}::timestamptz - interval '13 months' as kept
    from visits v join customers c on c.id = v.customer_id
    where v.ip_address is not null and c.status <> 'restricted'`,
  );
  const full = rows.filter((r) => truncateIp(r.ip) !== r.ip);
  return { truncated: full.filter((r) => r.kept).map((r) => r.ip), deleted: full.filter((r) => !r.kept).map((r) => r.ip) };
}

let columns: PersonalColumn[];
beforeAll(async () => {
  columns = personalColumns(getDataMap(await buildGatewaySchema()));
});

describe.skipIf(onServer)("purge on PGlite: the full IP addresses leave the data directory's files", () => {
  let dir: string;
  let ips: { truncated: string[]; deleted: string[] };
  let needles: Set<string>;
  let before: Map<string, string[]>;
  let report: PurgeReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gw-purge-files-"));
    let handle = await createDatabase({ dataDir: dir });
    await handle.migrate();
    await seed(handle.db, { customers: 40, seed: 5, canaries: true });
    ips = await dueIps(handle.db);
    needles = new Set([...ips.truncated, ...ips.deleted]);
    await handle.close();
    before = occurrences(dir, needles, storedIpTexts);

    handle = await createDatabase({ dataDir: dir });
    report = await purge(handle.db, { policy: DEFAULT_POLICY, now: NOW, columns });
    await handle.close();
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("truncated and deleted addresses, each in the files before the run", () => {
    expect(ips.truncated.length).toBeGreaterThan(50);
    expect(ips.deleted.length).toBeGreaterThan(0);
    expect([...needles].filter((ip) => !before.get(ip)?.some((path) => path.startsWith("base/")))).toEqual([]);
    expect(report.tables.find((t) => t.table === "visits")).toMatchObject({
      anonymised: ips.truncated.length,
      deleted: expect.any(Number),
    });
  });

  it("reclaimed the tables it changed with VACUUM FULL, and says so in its report", () => {
    expect(report.storage).toMatchObject({ method: "vacuum_full", failure: null });
    expect(report.storage?.tables).toEqual(
      report.tables
        .filter((t) => t.deleted + t.anonymised > 0)
        .map((t) => t.table)
        .sort(),
    );
    expect(report.storage?.tables).toContain("visits");
  });

  /** Where each address is left after the run, among the paths `folder` accepts. */
  const leftIn = (folder: (path: string) => boolean) => placesLeft(dir, needles, storedIpTexts, folder);

  it("none of those addresses is left in a table, index or TOAST file (base/)", () => {
    expect(leftIn((path) => path.startsWith("base/"))).toEqual([]);
  });

  it("nor in the write-ahead log (pg_wal/) or anywhere else in the directory", () => {
    expect(leftIn((path) => !path.startsWith("base/"))).toEqual([]);
  });
});

describe.runIf(onServer)("purge on a PostgreSQL server: the tables it changed are vacuumed after the commit", () => {
  it("runs VACUUM (ANALYZE) on those tables and no other, and records it in the run", async () => {
    const handle = await createTestDatabase();
    try {
      await seed(handle.db, { customers: 40, seed: 5 });
      const vacuumed = async () =>
        new Set(
          (
            await queryRows<{ relname: string }>(
              handle.db,
              sql`select relname from pg_stat_user_tables
        where last_vacuum is not null and last_analyze is not null`,
            )
          ).map((r) => r.relname),
        );
      expect([...(await vacuumed())]).toEqual([]);
      const report = await purge(handle.db, { policy: DEFAULT_POLICY, now: NOW, columns });
      const changed = report.tables
        .filter((t) => t.deleted + t.anonymised > 0)
        .map((t) => t.table)
        .sort();
      expect(changed).toContain("visits");
      expect(report.storage).toMatchObject({ method: "vacuum", failure: null, tables: changed });
      expect([...(await vacuumed())].sort()).toEqual(changed);
      const [run] = await queryRows<{ storage: unknown }>(
        handle.db,
        sql`select report -> 'storage' as storage from purge_runs where id = ${report.runId}`,
      );
      const stored = typeof run?.storage === "string" ? JSON.parse(run.storage) : run?.storage;
      expect(stored).toMatchObject({ method: "vacuum", failure: null, tables: changed });
    } finally {
      await handle.close();
    }
  });
});
