import { sql, type SQL } from "drizzle-orm";
import type { Purpose } from "../../policy/purposes.js";
import { consentEvents, subjectRequestEvents, type SubjectRequestRow } from "../schema/index.js";
import { liftNote, OBJECTION_LIFTED } from "./objectionLifts.js";

// The request kind and states the subject state reads, spelled once, checked against the enums.
const OBJECTION: SubjectRequestRow["kind"] = "objection";
const COMPLETED: SubjectRequestRow["state"] = "completed";
const VERIFIED: SubjectRequestRow["state"] = "verified";

/**
 * The one SQL vocabulary of a subject's state, read by the state loader
 * (src/enforcement/subjectStateQueries.ts, which renders it once to constant text) and by the
 * visibility filter (src/enforcement/visibleSubjectsWhere.ts, which adds parameters). Table
 * aliases are the caller's (`request`: an alias of `subject_requests`); nothing here holds a
 * parameter but what a caller passes in (`where`, `purpose`).
 */
export const subjectStateSql = {
  /**
   * The current consents: each customer's latest consent event per (purpose, partner), the
   * history being append-only. A select of customer_id, purpose, partner_id, granted, recorded_at
   * from `consent_events` aliased `ce`, filtered by `where` (on `ce`).
   */
  currentConsents: (where: SQL): SQL => sql`select distinct on (ce.customer_id, ce.purpose, ce.partner_id)
      ce.customer_id, ce.purpose, ce.partner_id, ce.granted, ce.recorded_at from ${consentEvents} ce where ${where}
      order by ce.customer_id, ce.purpose, ce.partner_id, ce.recorded_at desc, ce.id desc`,

  /** `request` is a completed objection (the purposes it names stop, less those lifted: objectionLifts.ts). */
  completedObjection: (request: string): SQL => sql.raw(`${request}.kind = '${OBJECTION}' and ${request}.state = '${COMPLETED}'`),

  /** `request` is verified: open, its subject's identity checked (what `subject_request` needs). */
  verifiedRequest: (request: string): SQL => sql.raw(`${request}.state = '${VERIFIED}'`),

  /** The JSON array of the lift notes of `request`, for purposesInForce. */
  liftNotes: (request: string): SQL => sql`(select coalesce(json_agg(e.note), '[]') from ${subjectRequestEvents} e
    where e.request_id = ${sql.raw(request)}.id and starts_with(e.note, ${sql.raw(`'${OBJECTION_LIFTED}'`)}))`,

  /** `request` is an objection in force for `purpose`: completed, naming it, not lifted for it (SQL of purposesInForce). */
  objectionInForce: (request: string, purpose: Purpose): SQL => sql`${subjectStateSql.completedObjection(request)}
    and ${sql.raw(request)}.detail -> 'purposes' ? ${purpose}
    and not exists (select 1 from ${subjectRequestEvents} e where e.request_id = ${sql.raw(request)}.id and e.note = ${liftNote(purpose)})`,
};
