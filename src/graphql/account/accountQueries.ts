import { asc, inArray } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { accounts } from "../../db/schema/index.js";

export function accountsByCustomer(db: Database, ids: readonly string[]) {
  return db.select().from(accounts).where(inArray(accounts.customerId, [...ids])).orderBy(asc(accounts.openedAt), asc(accounts.id));
}
