import type { Caller } from "./caller.js";
import type { Policy } from "./policy.js";
import type { Purpose } from "./purposes.js";

/**
 * The parts of a subject's state that decide() can consult for one caller and purpose, besides
 * the status and residency it always reads. A request loads only these; decide answers the same
 * with every other part left empty (test/policy/decide.properties.test.ts proves it over
 * generated callers, purposes and states). A staff page for a contract purpose needs none, so its
 * rows carry no consent, objection or partner aggregate.
 */
export type StateParts = {
  /** The subject's opt-outs: the purpose's basis is opt-out. */
  readonly optOuts: boolean;
  /** The subject's objections: the purpose honours them. */
  readonly objections: boolean;
  /** Whether a verified data-subject request is open: the purpose's basis is a verified request. */
  readonly verifiedRequest: boolean;
  /** The subject's opt-ins to sharing with partners: a partner caller whose grant reaches consented subjects, or of a kind that requires opt-in. */
  readonly partnerOptIns: boolean;
  /** The partners the subject is linked to: a partner caller whose grant reaches linked subjects. */
  readonly partnerLinks: boolean;
};

/** Every part: what a decision for a purpose other than the request's (explainAccess) needs. */
export const ALL_STATE_PARTS: StateParts = {
  optOuts: true,
  objections: true,
  verifiedRequest: true,
  partnerOptIns: true,
  partnerLinks: true,
};

export function stateParts(policy: Policy, caller: Caller, purpose: Purpose): StateParts {
  const { consentBasis, honoursObjection } = policy.purposes[purpose];
  return {
    optOuts: consentBasis === "opt_out",
    objections: honoursObjection,
    verifiedRequest: consentBasis === "verified_request",
    partnerOptIns:
      caller.kind === "partner" && (caller.grant.subjectScope === "consented" || policy.partnerKinds[caller.partnerKind].requiresOptIn),
    partnerLinks: caller.kind === "partner" && caller.grant.subjectScope === "linked",
  };
}
