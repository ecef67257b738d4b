import { and, desc, eq, isNull } from "drizzle-orm";
import { anyOf } from "../../db/anyOf.js";
import type { Database } from "../../db/client.js";
import { consentEvents } from "../../db/schema/index.js";

/**
 * The current consent per (purpose, partner) of each customer: its latest event. The history
 * stays append-only; this is a view of it.
 */
export async function consentsByCustomer(db: Database, ids: readonly string[]) {
  const rows = await db
    .selectDistinctOn([consentEvents.customerId, consentEvents.purpose, consentEvents.partnerId])
    .from(consentEvents)
    .where(anyOf(consentEvents.customerId, ids))
    .orderBy(
      consentEvents.customerId,
      consentEvents.purpose,
      consentEvents.partnerId,
      desc(consentEvents.recordedAt),
      desc(consentEvents.id),
    );
  return rows;
}

export interface ConsentChoice {
  customerId: string;
  purpose: string;
  partnerId: string | null;
  granted: boolean;
  source: string;
  policyVersion: string;
}

/** Appends one consent event (never updates one) and returns it. */
export async function recordConsent(db: Database, choice: ConsentChoice) {
  const [row] = await db.insert(consentEvents).values(choice).returning();
  return row!;
}

/** The latest event for one purpose, to skip recording a choice that changes nothing. */
export async function latestConsent(db: Database, customerId: string, purpose: string, partnerId: string | null) {
  const [row] = await db
    .select()
    .from(consentEvents)
    .where(
      and(
        eq(consentEvents.customerId, customerId),
        eq(consentEvents.purpose, purpose),
        partnerId ? eq(consentEvents.partnerId, partnerId) : isNull(consentEvents.partnerId),
      ),
    )
    .orderBy(desc(consentEvents.recordedAt), desc(consentEvents.id))
    .limit(1);
  return row ?? null;
}
