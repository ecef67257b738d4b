import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import { queryRows } from "./queryRows.js";

/** The disclosure log's partitions by name, the default one included, in name order. */
export async function disclosurePartitions(db: Database): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'disclosure_events'::regclass order by 1`,
  );
  return rows.map((r) => r.name);
}
