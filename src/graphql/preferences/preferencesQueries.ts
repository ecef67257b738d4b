import { anyOf } from "../../db/anyOf.js";
import type { Database } from "../../db/client.js";
import { preferences } from "../../db/schema/index.js";

export function preferencesByCustomer(db: Database, ids: readonly string[]) {
  return db.select().from(preferences).where(anyOf(preferences.customerId, ids));
}
