import { desc } from "drizzle-orm";
import { anyOf } from "../../db/anyOf.js";
import type { Database } from "../../db/client.js";
import { purchases } from "../../db/schema/index.js";

/** Purchase history; the invoice reference and tax rate stay in the database (bookkeeping only). */
export function purchasesByCustomer(db: Database, ids: readonly string[]) {
  return db.select({
    id: purchases.id, customerId: purchases.customerId, product: purchases.product,
    amountCents: purchases.amountCents, currency: purchases.currency, purchasedAt: purchases.purchasedAt,
  }).from(purchases).where(anyOf(purchases.customerId, ids)).orderBy(desc(purchases.purchasedAt), desc(purchases.id));
}
