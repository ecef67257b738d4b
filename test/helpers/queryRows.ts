import type { SQL } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import { rowsOf } from "../../src/db/rowsOf.js";

/** Rows of a raw query, whichever driver. */
export async function queryRows<T = Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}
