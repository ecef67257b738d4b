import { isPurpose, type Purpose } from "../../policy/purposes.js";
import type { SubjectRequestRow } from "../schema/index.js";

/**
 * A completed objection stays in the request history as filed; its subject lifts it one purpose
 * at a time with an event on that request (state unchanged, completed -> completed) whose note is
 * `OBJECTION_LIFTED:<purpose>`. The history stays append-only, and each lift names the request it
 * lifts. Read by the subject state (src/enforcement/subjectStateQueries.ts) and by `me.objections`,
 * in SQL through subjectStateSql.ts.
 */
export const OBJECTION_LIFTED = "OBJECTION_LIFTED:";

/** The purposes an objection names, as its `detail` stores them (those still in force: purposesInForce). */
export function objectedPurposes(detail: SubjectRequestRow["detail"]): Purpose[] {
  return Array.isArray(detail.purposes) ? detail.purposes.filter(isPurpose) : [];
}

/** The note of the event that lifts a completed objection for one purpose. */
export function liftNote(purpose: Purpose): string {
  return `${OBJECTION_LIFTED}${purpose}`;
}

/** The purposes a completed objection still stops: those it names, less those its events lifted. */
export function purposesInForce(detail: SubjectRequestRow["detail"], notes: readonly unknown[]): Purpose[] {
  const lifted = new Set(
    notes.filter((n): n is string => typeof n === "string" && n.startsWith(OBJECTION_LIFTED)).map((n) => n.slice(OBJECTION_LIFTED.length)),
  );
  return objectedPurposes(detail).filter((p) => !lifted.has(p));
}
