import { and, desc, inArray } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { consentEvents, customers, PARTNER_SHARING_PURPOSE, partnerLinks, subjectRequests } from "../db/schema/index.js";
import { isPurpose, PURPOSE_DEFINITIONS, type Purpose } from "../policy/purposes.js";
import type { SubjectState } from "../policy/subjectState.js";

/**
 * The state decide() needs for each subject, in four statements whatever the number of
 * subjects. A subject with no customer row is returned as erased: nothing of it is disclosed.
 */
export async function loadSubjectStates(db: Database, ids: readonly string[]): Promise<Map<string, SubjectState>> {
  const list = [...ids];
  const [subjects, consents, requests, links] = await Promise.all([
    db.select({ id: customers.id, status: customers.status, residency: customers.residency }).from(customers).where(inArray(customers.id, list)),
    db.selectDistinctOn([consentEvents.customerId, consentEvents.purpose, consentEvents.partnerId], {
      customerId: consentEvents.customerId, purpose: consentEvents.purpose, partnerId: consentEvents.partnerId,
      granted: consentEvents.granted, recordedAt: consentEvents.recordedAt,
    }).from(consentEvents).where(inArray(consentEvents.customerId, list))
      .orderBy(consentEvents.customerId, consentEvents.purpose, consentEvents.partnerId, desc(consentEvents.recordedAt), desc(consentEvents.id)),
    db.select({
      customerId: subjectRequests.customerId, kind: subjectRequests.kind, state: subjectRequests.state,
      detail: subjectRequests.detail, closedAt: subjectRequests.closedAt,
    }).from(subjectRequests).where(and(inArray(subjectRequests.customerId, list), inArray(subjectRequests.state, ["verified", "completed"]))),
    db.select().from(partnerLinks).where(inArray(partnerLinks.customerId, list)),
  ]);

  const states = new Map<string, SubjectState>();
  for (const id of list) {
    states.set(id, {
      customerId: id, status: "erased", residency: "", optOuts: new Map(), objections: new Map(),
      partnerOptIns: new Set(), linkedPartners: new Set(), verifiedRequest: false,
    });
  }
  for (const s of subjects) Object.assign(states.get(s.id)!, { status: s.status, residency: s.residency });
  for (const c of consents) {
    const state = states.get(c.customerId)!;
    if (c.partnerId) {
      if (c.granted && c.purpose === PARTNER_SHARING_PURPOSE) (state.partnerOptIns as Set<string>).add(c.partnerId);
    } else if (!c.granted && isPurpose(c.purpose) && PURPOSE_DEFINITIONS[c.purpose].consentBasis === "opt_out") {
      (state.optOuts as Map<Purpose, Date>).set(c.purpose, c.recordedAt);
    }
  }
  for (const r of requests) {
    const state = states.get(r.customerId)!;
    if (r.state === "verified") state.verifiedRequest = true;
    if (r.kind === "objection" && r.state === "completed") {
      const purposes = Array.isArray(r.detail.purposes) ? r.detail.purposes : [];
      for (const p of purposes) if (isPurpose(p)) (state.objections as Map<Purpose, Date>).set(p, r.closedAt ?? new Date(0));
    }
  }
  for (const l of links) (states.get(l.customerId)!.linkedPartners as Set<string>).add(l.partnerId);
  return states;
}

