/**
 * The data-subject request lifecycle as a pure state machine: no database, no GraphQL, no clock.
 *
 *   received --verify--> verified --complete--> completed
 *   received --reject--> rejected,  verified --reject--> rejected
 *
 * Completed and rejected are final. Every kind follows the same lifecycle; what completing does
 * depends on the kind (src/dsr/executeRequest.ts). Only the privacy office moves a request on.
 */
import type { Caller } from "../policy/caller.js";

export const SUBJECT_REQUEST_KINDS = ["access", "portability", "rectification", "erasure", "restriction", "objection"] as const;
export type SubjectRequestKind = (typeof SUBJECT_REQUEST_KINDS)[number];

export const SUBJECT_REQUEST_STATES = ["received", "verified", "completed", "rejected"] as const;
export type SubjectRequestState = (typeof SUBJECT_REQUEST_STATES)[number];

export const SUBJECT_REQUEST_ACTIONS = ["verify", "complete", "reject"] as const;
export type SubjectRequestAction = (typeof SUBJECT_REQUEST_ACTIONS)[number];

/** Days from receipt to the due date. */
export const DUE_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The due date of a request received at `receivedAt`. */
export function dueDate(receivedAt: Date): Date {
  return new Date(receivedAt.getTime() + DUE_DAYS * DAY_MS);
}

const MOVES: Readonly<Record<SubjectRequestAction, { from: readonly SubjectRequestState[]; to: SubjectRequestState }>> = {
  verify: { from: ["received"], to: "verified" },
  complete: { from: ["verified"], to: "completed" },
  reject: { from: ["received", "verified"], to: "rejected" },
};

export type Transition =
  | { ok: true; from: SubjectRequestState; to: SubjectRequestState }
  | { ok: false; from: SubjectRequestState; action: SubjectRequestAction; code: "INVALID_TRANSITION"; message: string };

/** Where `action` takes a request of `kind` in `state`, or why it cannot. */
export function transition(kind: SubjectRequestKind, state: SubjectRequestState, action: SubjectRequestAction): Transition {
  const move = MOVES[action];
  if (move.from.includes(state)) return { ok: true, from: state, to: move.to };
  const expected = move.from.join(" or ");
  return {
    ok: false,
    from: state,
    action,
    code: "INVALID_TRANSITION",
    message: `A ${state} ${kind} request cannot be ${pastTense(action)}; only a ${expected} one can.`,
  };
}

function pastTense(action: SubjectRequestAction): string {
  return action === "verify" ? "verified" : action === "complete" ? "completed" : "rejected";
}

/** Open: not yet completed or rejected. */
export function isOpen(state: SubjectRequestState): boolean {
  return state === "received" || state === "verified";
}

/** Only the privacy office verifies, completes or rejects a request, and files one for another subject. */
export function isPrivacyOfficer(caller: Caller): boolean {
  return caller.kind === "staff" && caller.role === "privacy_officer";
}

/**
 * Kinds that can still be filed for an erased subject: asking what is still held (the tombstone,
 * legal-hold records) makes sense; correcting, restricting, objecting or erasing again does not.
 */
export const KINDS_FOR_ERASED: readonly SubjectRequestKind[] = ["access", "portability"];

/** Kinds whose report is read (accessReport, portableExport) while verified. */
export const REPORT_KINDS: readonly SubjectRequestKind[] = ["access", "portability"];

/** Grounds for rejecting a request: codes, never free text (an event note never carries a value). */
export const REJECTION_REASONS = ["identity_not_verified", "manifestly_unfounded", "excessive", "duplicate", "legal_obligation"] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Grounds for a restriction (GDPR art. 18), as the seed records them. */
export const RESTRICTION_GROUNDS = ["accuracy_contested", "unlawful_processing", "legal_claims", "objection_pending"] as const;
export type RestrictionGround = (typeof RESTRICTION_GROUNDS)[number];
