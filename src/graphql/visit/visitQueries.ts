import { desc, eq, sql } from "drizzle-orm";
import { arrayLiteral } from "../../db/arrayLiteral.js";
import type { Database } from "../../db/client.js";
import { visits } from "../../db/schema/index.js";

/**
 * The latest `first` visits of each customer, newest first, in one statement: a lateral
 * subquery per customer reads its latest visits from the (customer_id, visited_at) index and
 * stops at `first`, instead of ranking every visit of every customer on the page.
 */
export async function visitsByCustomer(db: Database, ids: readonly string[], first: number) {
  const latest = db
    .select({
      id: visits.id,
      customerId: visits.customerId,
      ipAddress: visits.ipAddress,
      userAgent: visits.userAgent,
      device: visits.device,
      operatingSystem: visits.operatingSystem,
      language: visits.language,
      referrer: visits.referrer,
      page: visits.page,
      visitedAt: visits.visitedAt,
    })
    .from(visits)
    .where(eq(visits.customerId, sql`page.id`))
    .orderBy(desc(visits.visitedAt), desc(visits.id))
    .limit(first)
    .as("latest");
  return db
    .select({
      id: latest.id,
      customerId: latest.customerId,
      ipAddress: latest.ipAddress,
      userAgent: latest.userAgent,
      device: latest.device,
      operatingSystem: latest.operatingSystem,
      language: latest.language,
      referrer: latest.referrer,
      page: latest.page,
      visitedAt: latest.visitedAt,
    })
    .from(sql`unnest(${arrayLiteral([...ids])}::uuid[]) as page(id)`)
    .crossJoinLateral(latest)
    .orderBy(desc(latest.visitedAt), desc(latest.id));
}
