import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { consentEvents } from "../../db/schema/index.js";
import { customersById } from "../customer/customerQueries.js";
import { latestConsent, recordConsent } from "./consentQueries.js";

/** Consent source of an advertising opt-out that a Global Privacy Control signal recorded. */
const GPC_SOURCE = "gpc";
/**
 * Consent source of the note that a signal arrived while the customer's explicit opt-in, made
 * after an earlier signal, stood: granted, so the current choice stays the opt-in.
 */
const GPC_CONFLICT_SOURCE = "gpc_conflict";

/**
 * Records a `Sec-GPC: 1` signal on a customer's request, as the CCPA regulations (11 CCR 7025)
 * have it: the signal is an opt-out of sale and sharing (advertising), unless the customer, after
 * a signal, explicitly opted in; that opt-in stands until they change it, and the conflict is
 * recorded. Nothing is written for an erased subject. The consent history stays append-only, at most one event per signal since the last
 * other choice:
 * - the latest advertising event already comes from a signal (`gpc`, `gpc_conflict`): nothing;
 * - it is an opt-in, and a signal was recorded before it: a `gpc_conflict` note, granted (the
 *   opt-in stands, and `me.consents` shows that the signal was seen);
 * - otherwise (no choice, an opt-out, an opt-in made before any signal): an opt-out, source `gpc`.
 *   Recorded after an opt-out too, although it changes nothing: it marks the signal as seen, so
 *   that an opt-in made afterwards (in the same request or a later one) is one made after it.
 */
export async function recordGpcSignal(db: Database, customerId: string, policyVersion: string): Promise<void> {
  const latest = await latestConsent(db, customerId, "advertising", null);
  if (latest?.source === GPC_SOURCE || latest?.source === GPC_CONFLICT_SOURCE) return;
  const [subject] = await customersById(db, [customerId]);
  if (!subject || subject.status === "erased") return; // a tombstone gets no late write
  const optInStands = latest?.granted === true && (await signalRecordedBefore(db, customerId));
  await recordConsent(db, {
    customerId,
    purpose: "advertising",
    partnerId: null,
    granted: optInStands,
    source: optInStands ? GPC_CONFLICT_SOURCE : GPC_SOURCE,
    policyVersion,
  });
}

/** Whether any signal was recorded for the customer (called when the latest event is none: then it came before). */
async function signalRecordedBefore(db: Database, customerId: string): Promise<boolean> {
  const rows = await db
    .select({ id: consentEvents.id })
    .from(consentEvents)
    .where(
      and(
        eq(consentEvents.customerId, customerId),
        eq(consentEvents.purpose, "advertising"),
        isNull(consentEvents.partnerId),
        eq(consentEvents.source, GPC_SOURCE),
      ),
    )
    .limit(1);
  return rows.length > 0;
}
