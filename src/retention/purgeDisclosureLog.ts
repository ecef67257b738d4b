/**
 * The disclosure log's retention (DISCLOSURE_LOG_RETENTION in src/policy/retention.ts), applied
 * a month at a time: a monthly partition of `disclosure_events` whose whole month lies before the
 * cutoff is dropped (one catalogue change, however many records), and records in the default
 * partition (months that had no partition of their own) are deleted one by one past the cutoff.
 * A month that straddles the cutoff stays until it is wholly due, so a record may outlive its
 * period by up to a month, never the other way round. Records about a subject under restriction
 * are held, as in the rest of the purge: set aside before their partition goes and written back
 * (to the default partition), and counted as `held`.
 *
 * Field sets are not purged: they hold coordinates, no subject and no caller, and the writer
 * relies on a set, once stored, staying (src/enforcement/disclosureRecords.ts).
 *
 * Dropping a partition locks the whole log (ACCESS EXCLUSIVE on `disclosure_events`) until the
 * purge commits, and every answer waits on its record: so the drop runs last, under a short lock
 * timeout, in a savepoint. When another session holds the log (a long report), the drop is
 * deferred to the next run (`deferred`), and the rest of the purge still commits.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { databaseErrorCode } from "../db/isDatabaseUnavailable.js";
import { countOf } from "../db/countOf.js";
import { rowsOf } from "../db/rowsOf.js";
import type { Policy } from "../policy/policy.js";
import { formatPeriod, retentionCutoff } from "../policy/retention.js";
import { heldByRestriction } from "./heldByRestriction.js";

/** What one purge did to the disclosure log. Counts and partition names only. */
export interface DisclosureLogPurge {
  retention: string;
  /** Records from before this instant were due. */
  cutoff: string;
  /** Monthly partitions dropped, oldest first. */
  partitionsDropped: string[];
  /** Records deleted from the default partition (a dropped partition's are not counted one by one). */
  recordsDeleted: number;
  /** Due records kept because their subject is under restriction (moved to the default partition). */
  held: number;
  /** True when the log could not be locked in time: nothing of it was purged, the next run tries again. */
  deferred: boolean;
}

/**
 * How long the drop waits for the log's lock before it defers. While it waits, new records queue
 * behind it (and their answers with them), so it is short: a drop needs only the inserts in flight
 * to finish, and a long read of the log is better outwaited by the next day's run.
 */
export const LOG_LOCK_TIMEOUT_MS = 500;

/** Where records of a month without a partition go, and the one part of the log the purge deletes rows from. */
export const DISCLOSURE_LOG_DEFAULT_PARTITION = "disclosure_events_default";

/** SQLSTATE lock_not_available: the lock timeout ran out. */
const LOCK_NOT_AVAILABLE = "55P03";

/** The event (alias `e`) is about a subject under restriction. */
const HELD = heldByRestriction("e");

/** Partitions of `disclosure_events` whose upper bound is at or before the cutoff, oldest first. */
async function duePartitions(db: Database, cutoff: Date): Promise<string[]> {
  return rowsOf<{ name: string }>(
    await db.execute(sql`
    select name from (
      select c.relname as name,
        (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz as upper_bound
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'disclosure_events'::regclass
    ) p
    where upper_bound <= ${cutoff.toISOString()}::timestamptz
    order by upper_bound`),
  ).map((r) => r.name);
}

/**
 * Applies the log's retention as of `now` inside the purge's transaction `tx`, in a savepoint (a
 * dry run rolls it back with the rest of the purge, so it reports exactly what a run would do).
 */
export async function purgeDisclosureLog(tx: Database, now: Date, policy: Policy): Promise<DisclosureLogPurge> {
  const { period } = policy.disclosureLogRetention;
  const cutoff = retentionCutoff(now, period);
  const at = sql`${cutoff.toISOString()}::timestamptz`;
  const report = { retention: formatPeriod(period), cutoff: cutoff.toISOString() };
  try {
    return await tx.transaction(async (sp) => {
      await sp.execute(sql.raw(`set local lock_timeout = ${LOG_LOCK_TIMEOUT_MS}`));
      const partitionsDropped = await duePartitions(sp, cutoff);
      if (partitionsDropped.length > 0) {
        // A restricted subject's records outlive their partition: set aside, then written back
        // (to the default partition, their month's being gone).
        await sp.execute(sql`create temporary table disclosure_log_held as select * from disclosure_events where false`);
        for (const name of partitionsDropped) {
          await sp.execute(sql`insert into disclosure_log_held select e.* from ${sql.identifier(name)} e where ${HELD}`);
          await sp.execute(sql`drop table ${sql.identifier(name)}`);
        }
        await sp.execute(sql`insert into disclosure_events select * from disclosure_log_held`);
        await sp.execute(sql`drop table disclosure_log_held`);
      }
      const recordsDeleted = await countOf(
        sp,
        sql`
        with d as (delete from ${sql.identifier(DISCLOSURE_LOG_DEFAULT_PARTITION)} e where e.recorded_at < ${at} and not ${HELD} returning 1)
        select count(*)::int as n from d`,
      );
      const held = await countOf(
        sp,
        sql`select count(*)::int as n from ${sql.identifier(DISCLOSURE_LOG_DEFAULT_PARTITION)} e where e.recorded_at < ${at} and ${HELD}`,
      );
      return { ...report, partitionsDropped, recordsDeleted, held, deferred: false };
    });
  } catch (error) {
    if (databaseErrorCode(error) !== LOCK_NOT_AVAILABLE) throw error;
    return { ...report, partitionsDropped: [], recordsDeleted: 0, held: 0, deferred: true };
  }
}
