import { asc } from "drizzle-orm";
import { anyOf } from "../../db/anyOf.js";
import type { Database } from "../../db/client.js";
import { paymentMethods } from "../../db/schema/index.js";

export function paymentMethodsByCustomer(db: Database, ids: readonly string[]) {
  return db.select().from(paymentMethods).where(anyOf(paymentMethods.customerId, ids))
    .orderBy(asc(paymentMethods.addedAt), asc(paymentMethods.id));
}
