import { sql, type SQL } from "drizzle-orm";

/**
 * The row (under `alias`) is about a subject under restriction: it may be stored but not erased
 * while the restriction lasts (GDPR art. 18), so every purge leaves it alone and counts it as held.
 */
export function heldByRestriction(alias: string): SQL {
  return sql`exists (select 1 from customers c where c.id = ${sql.identifier(alias)}.customer_id and c.status = 'restricted')`;
}
