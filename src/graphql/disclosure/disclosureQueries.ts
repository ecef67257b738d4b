import { and, desc, eq, getViewSelectedFields, gte, like, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { disclosureLog, partners } from "../../db/schema/index.js";

export interface DisclosureCriteria {
  subjectId?: string | null;
  partnerId?: string | null;
  purpose?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** Log rows, newest first, with the partner's name where a partner read (callerId `partner/key`). */
export function findDisclosures(db: Database, criteria: DisclosureCriteria, limit: number) {
  const conditions: (SQL | undefined)[] = [
    criteria.subjectId ? eq(disclosureLog.customerId, criteria.subjectId) : undefined,
    criteria.partnerId ? and(eq(disclosureLog.callerKind, "partner"), like(disclosureLog.callerId, `${criteria.partnerId}/%`)) : undefined,
    criteria.purpose ? eq(disclosureLog.purpose, criteria.purpose) : undefined,
    criteria.from ? gte(disclosureLog.recordedAt, criteria.from) : undefined,
    criteria.to ? lt(disclosureLog.recordedAt, criteria.to) : undefined,
  ];
  return db
    .select({ row: getViewSelectedFields(disclosureLog), partnerName: partners.name })
    .from(disclosureLog)
    .leftJoin(partners, and(eq(disclosureLog.callerKind, "partner"), sql`${disclosureLog.callerId} like ${partners.id}::text || '/%'`))
    .where(and(...conditions))
    .orderBy(desc(disclosureLog.recordedAt), desc(disclosureLog.id))
    .limit(limit);
}
