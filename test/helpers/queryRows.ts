import type { SQL } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";

/** Rows of a raw query, whichever driver (PGlite returns `{ rows }`, postgres.js an array). */
export async function queryRows<T = Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
