import { and, desc, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { visits } from "../../db/schema/index.js";

/** The latest `first` visits of each customer, in one statement (a window per customer). */
export async function visitsByCustomer(db: Database, ids: readonly string[], first: number) {
  const ranked = db.select({
    id: visits.id, customerId: visits.customerId, ipAddress: visits.ipAddress, userAgent: visits.userAgent,
    device: visits.device, operatingSystem: visits.operatingSystem, language: visits.language,
    referrer: visits.referrer, page: visits.page, visitedAt: visits.visitedAt,
    rank: sql<number>`row_number() over (partition by ${visits.customerId} order by ${visits.visitedAt} desc, ${visits.id} desc)`.as("rank"),
  }).from(visits).where(inArray(visits.customerId, [...ids])).as("ranked");
  const rows = await db.select().from(ranked).where(and(lte(ranked.rank, first))).orderBy(desc(ranked.visitedAt), desc(ranked.id));
  return rows.map(({ rank: _rank, ...visit }) => visit);
}
