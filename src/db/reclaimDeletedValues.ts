/**
 * Deleted is not gone in PostgreSQL: a DELETE or an UPDATE leaves the old row versions, values and
 * all, in the table's pages, its indexes' and its TOAST table's until they are vacuumed, and in the
 * write-ahead log until its segments are removed. After an erasure or a purge commits, this takes
 * the values it removed out of the files that still hold them, as far as each driver allows:
 *
 * - PGlite (embedded: one owner, small tables): `VACUUM FULL` rewrites each table with its TOAST
 *   table and indexes into new files (the old ones are truncated at commit and unlinked at the next
 *   checkpoint); plain VACUUM left deleted text in heap and index pages. Then the WAL moves to a
 *   new segment and a checkpoint removes the segments before it, with recycling off: a recycled
 *   segment is the old file renamed for reuse, old records and all. PGlite runs no ANALYZE, so
 *   no statistics hold sampled values.
 * - A PostgreSQL server: `VACUUM (ANALYZE)`, not FULL, which locks each table against reads and
 *   writes while it is rewritten. Dead row versions and their index entries go, and their space is
 *   marked free: the old bytes stay in the pages until new rows reuse the space. ANALYZE replaces
 *   the planner's statistics, which sample column values. The WAL, its archive and base backups
 *   are the server operator's (docs/data-subject-requests.md, "Erased is gone from the files, and what stays").
 *
 * VACUUM cannot run inside a transaction: call this after the commit, on the database, never on a
 * transaction. It does not throw: a failure comes back as its driver code (never a message, which
 * could quote a value), for the caller to log and record; what was committed stays committed.
 */
import { sql } from "drizzle-orm";
import { driverOf, type Database } from "./client.js";
import { databaseErrorCode } from "./isDatabaseUnavailable.js";

export type ReclaimMethod = "vacuum_full" | "vacuum";

export interface Reclaim {
  /** The tables reclaimed (or tried), sorted. */
  tables: string[];
  method: ReclaimMethod;
  /** Null when it succeeded; else the driver's error code (or the error's class). */
  failure: string | null;
  ms: number;
}

export async function reclaimDeletedValues(db: Database, tables: Iterable<string>): Promise<Reclaim> {
  const names = [...new Set(tables)].sort();
  const started = performance.now();
  let method: ReclaimMethod = "vacuum";
  let failure: string | null = null;
  try {
    method = driverOf(db) === "pglite" ? "vacuum_full" : "vacuum";
    if (names.length > 0) {
      const list = sql.join(
        names.map((name) => sql.identifier(name)),
        sql`, `,
      );
      if (method === "vacuum_full") {
        await db.execute(sql`vacuum full ${list}`);
        // PGlite is one session: the setting holds for this process's later checkpoints too.
        await db.execute(sql`set wal_recycle = off`);
        await db.execute(sql`select pg_switch_wal()`);
        await db.execute(sql`checkpoint`);
      } else {
        await db.execute(sql`vacuum (analyze) ${list}`);
      }
    }
  } catch (error) {
    failure = databaseErrorCode(error) ?? (error instanceof Error ? error.name : "unknown");
  }
  return { tables: names, method, failure, ms: Math.round(performance.now() - started) };
}
