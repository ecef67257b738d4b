import { assertNever } from "./assertNever.js";
import type { Caller } from "./caller.js";
import { callerDecision, hasTransferBasis } from "./ceiling.js";
import type { Effect } from "./matrix.js";
import type { Policy } from "./policy.js";
import type { Purpose } from "./purposes.js";
import { type Reason, reasons } from "./reasons.js";
import type { SubjectState } from "./subjectState.js";

export type Decision = { readonly effect: Effect; readonly reason: Reason };

function deny(reason: Reason): Decision {
  return { effect: "deny", reason };
}

/** The subject-dependent rules, in order; the first that applies denies. Null: none applies. */
function subjectRefusal(policy: Policy, caller: Caller, purpose: Purpose, subject: SubjectState): Reason | null {
  const definition = policy.purposes[purpose];

  switch (subject.status) {
    case "erased":
      return reasons.erased();
    case "restricted":
      if (!definition.survivesRestriction) return reasons.restricted(purpose);
      break;
    case "active":
      break;
    default:
      return assertNever(subject.status, "subject status");
  }

  if (caller.kind === "customer" && (caller.customerId === "" || caller.customerId !== subject.customerId)) {
    return reasons.notOwnData();
  }
  if (definition.consentBasis === "verified_request" && subject.verifiedRequest !== true) {
    return reasons.noVerifiedRequest();
  }
  const optedOut = definition.consentBasis === "opt_out" ? subject.optOuts.get(purpose) : undefined;
  if (optedOut !== undefined) return reasons.optedOut(purpose, optedOut);
  const objected = definition.honoursObjection ? subject.objections.get(purpose) : undefined;
  if (objected !== undefined) return reasons.objected(purpose, objected);

  if (caller.kind === "partner") {
    const { grant, partnerId } = caller;
    switch (grant.subjectScope) {
      case "all":
        break;
      case "consented":
        if (!subject.partnerOptIns.has(partnerId)) return reasons.consentRequired(partnerId);
        break;
      case "linked":
        if (!subject.linkedPartners.has(partnerId)) return reasons.grantScope(grant.id);
        break;
      default:
        return assertNever(grant.subjectScope, "subject scope");
    }
    // A kind that requires opt-in (third parties) needs it whatever the purpose and the grant.
    if (policy.partnerKinds[caller.partnerKind].requiresOptIn && !subject.partnerOptIns.has(partnerId)) {
      return reasons.consentRequired(partnerId);
    }
    if (!grant.regions.includes(subject.residency)) return reasons.outOfRegion(grant.id, grant.regions);
    if (caller.partnerRegion !== subject.residency && !hasTransferBasis(grant)) {
      return reasons.transferNotPermitted(grant.id, caller.partnerRegion);
    }
  }
  return null;
}

/**
 * Whether `caller`, reading for `purpose`, may see a value of `category` about `subject`, and
 * how, under `policy`. The matrix cell is the most; the caller's role or grant and then the
 * subject's state can only narrow it. Pure: no clock, no I/O (grant validity dates are checked
 * at authentication).
 */
export function decide(policy: Policy, caller: Caller, purpose: Purpose, category: string, subject: SubjectState): Decision {
  const base = callerDecision(policy, caller, purpose, category);
  if (base.effect === "deny") return base;
  const refusal = subjectRefusal(policy, caller, purpose, subject);
  return refusal === null ? base : deny(refusal);
}

/**
 * `decide` for one caller and purpose over many subjects and categories (a request): the same
 * answers, with the caller's part taken once per category and the subject's once per subject, as
 * neither depends on the other (a page of 100 subjects and 10 categories: 110 evaluations, not 1,000).
 */
export function decider(policy: Policy, caller: Caller, purpose: Purpose): (category: string, subject: SubjectState) => Decision {
  const bases = new Map<string, Decision>();
  const refusals = new WeakMap<SubjectState, Decision | null>();
  return (category, subject) => {
    let base = bases.get(category);
    if (base === undefined) bases.set(category, (base = callerDecision(policy, caller, purpose, category)));
    if (base.effect === "deny") return base;
    let refused = refusals.get(subject);
    if (refused === undefined) {
      const refusal = subjectRefusal(policy, caller, purpose, subject);
      refusals.set(subject, (refused = refusal === null ? null : deny(refusal)));
    }
    return refused ?? base;
  };
}
