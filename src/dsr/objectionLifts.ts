import { getTableName } from "drizzle-orm";
import { subjectRequestEvents } from "../db/schema/index.js";
import type { Purpose } from "../policy/purposes.js";
import { objectedPurposes, type StoredDetail } from "./detail.js";

/**
 * A completed objection stays in the request history as filed; its subject lifts it one purpose
 * at a time with an event on that request (state unchanged, completed -> completed) whose note is
 * `OBJECTION_LIFTED:<purpose>`. The history stays append-only, and each lift names the request it
 * lifts. Read by the subject state (src/enforcement/subjectStateQueries.ts) and by `me.objections`.
 */
const OBJECTION_LIFTED = "OBJECTION_LIFTED:";

/** The note of the event that lifts a completed objection for one purpose. */
export function liftNote(purpose: Purpose): string {
  return `${OBJECTION_LIFTED}${purpose}`;
}

/** The purposes a completed objection still stops: those it names, less those its events lifted. */
export function purposesInForce(detail: StoredDetail, notes: readonly unknown[]): Purpose[] {
  const lifted = new Set(
    notes.filter((n): n is string => typeof n === "string" && n.startsWith(OBJECTION_LIFTED)).map((n) => n.slice(OBJECTION_LIFTED.length)),
  );
  return objectedPurposes(detail).filter((p) => !lifted.has(p));
}

/**
 * SQL text: the JSON array of the lift notes of the request that `request` (a table alias of
 * `subject_requests`) names, for `purposesInForce`. Constant, holds no parameter.
 */
export function liftNotesJson(request: string): string {
  return `(select coalesce(json_agg(e.note), '[]') from "${getTableName(subjectRequestEvents)}" e
    where e.request_id = ${request}.id and starts_with(e.note, '${OBJECTION_LIFTED}'))`;
}
