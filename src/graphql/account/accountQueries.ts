import { asc } from "drizzle-orm";
import { anyOf } from "../../db/anyOf.js";
import type { Database } from "../../db/client.js";
import { accounts } from "../../db/schema/index.js";

export function accountsByCustomer(db: Database, ids: readonly string[]) {
  return db.select().from(accounts).where(anyOf(accounts.customerId, ids)).orderBy(asc(accounts.openedAt), asc(accounts.id));
}
