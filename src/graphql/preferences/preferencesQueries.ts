import { inArray } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { preferences } from "../../db/schema/index.js";

export function preferencesByCustomer(db: Database, ids: readonly string[]) {
  return db.select().from(preferences).where(inArray(preferences.customerId, [...ids]));
}
