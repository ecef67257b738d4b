import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { customers } from "../../db/schema/index.js";

/** Whether a customer id names a customer row (an erased subject's tombstone included). */
export type CustomerExists = (db: Database, customerId: string) => Promise<boolean>;

/**
 * The check behind UNKNOWN_SUBJECT: one indexed lookup the first time a customer id is seen, then
 * none. Only found ids are kept: a customer row is never deleted (erasure leaves a tombstone), so
 * a found id stays true on every replica, while an unknown id is asked again and found once it is
 * created. At most `capacity` ids, the longest-held dropped first.
 */
export function createCustomerExists(capacity = 50_000): CustomerExists {
  const known = new Set<string>();
  return async (db, customerId) => {
    if (known.has(customerId)) return true;
    const [row] = await db.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId)).limit(1);
    if (row === undefined) return false;
    if (known.size >= capacity) known.delete(known.values().next().value!);
    known.add(customerId);
    return true;
  };
}
