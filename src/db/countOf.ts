import type { SQL } from "drizzle-orm";
import type { Database } from "./client.js";
import { rowsOf } from "./rowsOf.js";

/** The `n` of a one-row counting statement (`select count(*)::int as n ...`), whichever driver; 0 when no row. */
export async function countOf(db: Pick<Database, "execute">, query: SQL): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(await db.execute(query));
  return Number(row?.n ?? 0);
}
