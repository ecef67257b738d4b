import { and, asc, eq, getTableName, sql } from "drizzle-orm";
import { anyOf } from "../../db/anyOf.js";
import type { Database } from "../../db/client.js";
import { customers, subjectRequests, type ConsentEventRow } from "../../db/schema/index.js";
import { liftNote, liftNotesJson, purposesInForce } from "../../dsr/objectionLifts.js";
import { appendEvent, type Actor } from "../../dsr/requestStore.js";
import type { Purpose } from "../../policy/purposes.js";
import { latestConsent, recordConsent } from "../consent/consentQueries.js";

export interface ObjectionRow {
  customerId: string;
  purpose: Purpose;
  since: Date;
  requestId: string;
}

const LIFT_NOTES = liftNotesJson(`"${getTableName(subjectRequests)}"`);

/**
 * The objections in force of each customer, one row per (request, purpose): each purpose that a
 * completed objection request names and that its subject has not lifted; oldest first. The same
 * rule as the subject state that decide() reads (src/enforcement/subjectStateQueries.ts).
 */
export async function objectionsByCustomer(db: Database, ids: readonly string[]): Promise<ObjectionRow[]> {
  const rows = await db
    .select({
      id: subjectRequests.id,
      customerId: subjectRequests.customerId,
      detail: subjectRequests.detail,
      closedAt: subjectRequests.closedAt,
      lifts: sql<string>`${sql.raw(LIFT_NOTES)}::text`,
    })
    .from(subjectRequests)
    .where(and(anyOf(subjectRequests.customerId, ids), eq(subjectRequests.kind, "objection"), eq(subjectRequests.state, "completed")))
    .orderBy(asc(subjectRequests.closedAt), asc(subjectRequests.id));
  return rows.flatMap((r) =>
    purposesInForce(r.detail, JSON.parse(r.lifts) as unknown[]).map((purpose) => ({
      customerId: r.customerId,
      purpose,
      since: r.closedAt ?? new Date(0),
      requestId: r.id,
    })),
  );
}

/**
 * Lifts the customer's objections in force to `purpose`, in one transaction: an event
 * `OBJECTION_LIFTED:<purpose>` on each completed objection request that stops it (actor: the
 * customer), then, lifting being an explicit choice to allow the purpose again, an opt-in (source
 * `web`) unless the latest choice already is one. The customer's row is locked first, as an
 * objection's completion locks it: the two cannot interleave. Returns the consent now current, or
 * null when no objection to the purpose was in force (nothing written).
 */
export async function liftObjection(
  db: Database,
  customerId: string,
  purpose: Purpose,
  actor: Actor,
  policyVersion: string,
): Promise<ConsentEventRow | null> {
  return db.transaction(async (tx) => {
    await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId)).for("update");
    const inForce = (await objectionsByCustomer(tx, [customerId])).filter((o) => o.purpose === purpose);
    if (inForce.length === 0) return null;
    const at = new Date();
    for (const o of inForce) {
      await appendEvent(tx, { id: o.requestId, customerId }, { from: "completed", to: "completed", actor, note: liftNote(purpose), at });
    }
    const latest = await latestConsent(tx, customerId, purpose, null);
    return latest?.granted
      ? latest
      : recordConsent(tx, { customerId, purpose, partnerId: null, granted: true, source: "web", policyVersion });
  });
}
