import { and, asc, desc, eq, isNotNull, max, sql } from "drizzle-orm";
import { anyOf } from "../../db/anyOf.js";
import type { Database } from "../../db/client.js";
import { consentEvents, disclosureLog, PARTNER_SHARING_PURPOSE, partnerGrants, partners } from "../../db/schema/index.js";
import type { PartnerKind } from "../../policy/caller.js";
import { isUuid } from "../customer/cursor.js";
import type { SharingChoice } from "./PartnerSharing.js";

/** A `PartnerSharing` as read, before enforcement decides each field. */
export interface PartnerSharingRow {
  customerId: string;
  partnerId: string;
  partnerName: string;
  partnerKind: PartnerKind;
  optInRequired: boolean;
  choice: SharingChoice;
  choiceRecordedAt: Date | null;
  receivedCount: number;
  lastReceivedAt: Date | null;
}

/**
 * Every partner, with whether its reading a subject's data needs that subject's opt-in: a third
 * party always (DESIGN.md section 2), another when a grant in force (or yet to start) reaches only
 * subjects who opted in.
 */
function partnerCatalogue(db: Database) {
  return db
    .select({
      id: partners.id,
      name: partners.name,
      kind: partners.kind,
      optInRequired: sql<boolean>`${partners.kind} = 'third_party' or ${partners.id} in (select partner_id from ${partnerGrants}
      where subject_scope = 'consented' and revoked_at is null and valid_until > now())`,
    })
    .from(partners)
    .orderBy(asc(partners.name), asc(partners.id));
}

/**
 * Per customer, the partners they may choose about (those whose access needs their opt-in), any
 * partner they made a choice about, and any partner that received their data according to the
 * disclosure log (a record in which something left as stored, masked or pseudonymised; records of
 * withheld values alone are not a receipt). Three statements whatever the number of customers.
 */
export async function partnerSharingByCustomer(db: Database, ids: readonly string[]): Promise<PartnerSharingRow[]> {
  const partnerOf = sql<string>`split_part(${disclosureLog.callerId}, '/', 1)`;
  const [catalogue, choices, receipts] = await Promise.all([
    partnerCatalogue(db),
    db
      .selectDistinctOn([consentEvents.customerId, consentEvents.partnerId], {
        customerId: consentEvents.customerId,
        partnerId: consentEvents.partnerId,
        granted: consentEvents.granted,
        recordedAt: consentEvents.recordedAt,
      })
      .from(consentEvents)
      .where(
        and(anyOf(consentEvents.customerId, ids), eq(consentEvents.purpose, PARTNER_SHARING_PURPOSE), isNotNull(consentEvents.partnerId)),
      )
      .orderBy(consentEvents.customerId, consentEvents.partnerId, desc(consentEvents.recordedAt), desc(consentEvents.id)),
    db
      .select({
        customerId: disclosureLog.customerId,
        partnerId: partnerOf,
        count: sql<number>`count(*)::int`,
        last: max(disclosureLog.recordedAt),
      })
      .from(disclosureLog)
      .where(
        and(
          anyOf(disclosureLog.customerId, ids),
          eq(disclosureLog.callerKind, "partner"),
          sql`cardinality(${disclosureLog.disclosed}) + cardinality(${disclosureLog.masked}) + cardinality(${disclosureLog.pseudonymized}) > 0`,
        ),
      )
      .groupBy(disclosureLog.customerId, partnerOf),
  ]);
  const key = (customerId: string, partnerId: string | null) => `${customerId}/${partnerId}`;
  const choiceOf = new Map(choices.map((c) => [key(c.customerId, c.partnerId), c]));
  const receiptOf = new Map(receipts.map((r) => [key(r.customerId, r.partnerId), r]));
  return ids.flatMap((customerId) =>
    catalogue.flatMap((p): PartnerSharingRow[] => {
      const choice = choiceOf.get(key(customerId, p.id));
      const receipt = receiptOf.get(key(customerId, p.id));
      if (!p.optInRequired && choice === undefined && receipt === undefined) return [];
      const current: SharingChoice = choice === undefined ? "not_chosen" : choice.granted ? "granted" : "withdrawn";
      return [
        {
          customerId,
          partnerId: p.id,
          partnerName: p.name,
          partnerKind: p.kind,
          optInRequired: p.optInRequired,
          choice: current,
          choiceRecordedAt: choice?.recordedAt ?? null,
          receivedCount: receipt?.count ?? 0,
          lastReceivedAt: receipt?.last ?? null,
        },
      ];
    }),
  );
}

/** Whether a partner with this id exists (an id that is not a UUID names none). */
export async function partnerExists(db: Database, partnerId: string): Promise<boolean> {
  if (!isUuid(partnerId)) return false;
  const [row] = await db.select({ id: partners.id }).from(partners).where(eq(partners.id, partnerId)).limit(1);
  return row !== undefined;
}
