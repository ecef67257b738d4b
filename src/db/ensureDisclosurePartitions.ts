import { sql } from "drizzle-orm";
import type { Database } from "./client.js";

/** Months of disclosure-log partitions kept ready beyond the current one. */
export const PARTITION_MONTHS_AHEAD = 2;

/**
 * Makes sure the disclosure log's monthly partitions (UTC) exist for the month of `now` and the
 * `PARTITION_MONTHS_AHEAD` after it (migration 0003's `disclosure_events_ensure_partitions`:
 * existing ones are skipped, replicas may call it at once). Records of a month without its
 * partition still land in the default one, so a missed call never refuses an answer.
 */
export async function ensureDisclosurePartitions(db: Database, now: Date = new Date()): Promise<void> {
  const month = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-01`;
  await db.execute(sql`select disclosure_events_ensure_partitions(${month}::date, ${PARTITION_MONTHS_AHEAD + 1})`);
}
