import { assertNever } from "./assertNever.js";
import type { Caller, Grant } from "./caller.js";
import { mayDeclare } from "./caller.js";
import { matchesPrefix } from "./categories.js";
import type { Decision } from "./decide.js";
import { type Effect, matrixCell } from "./matrix.js";
import type { Policy } from "./policy.js";
import type { Purpose } from "./purposes.js";
import { type Reason, reasons } from "./reasons.js";

/** The reason that goes with a disclosing (or denying) matrix effect. */
export function grantedReason(effect: Exclude<Effect, "deny">, purpose: Purpose, category: string): Reason {
  switch (effect) {
    case "allow":
      return reasons.allowed(purpose, category);
    case "mask":
      return reasons.masked(purpose, category);
    case "pseudonymize":
      return reasons.pseudonymized(purpose, category);
    default:
      return assertNever(effect, "effect");
  }
}

function deny(reason: Reason): Decision {
  return { effect: "deny", reason };
}

/** A transfer basis counts only when it names something. */
export function hasTransferBasis(grant: Grant): boolean {
  return typeof grant.transferBasis === "string" && grant.transferBasis.trim() !== "";
}

/**
 * The subject-independent rules, in decide's order: category in the policy, caller identified,
 * purpose declarable, matrix cell, grant categories. Shared by `ceiling` and `decide`.
 */
export function callerDecision(policy: Policy, caller: Caller, purpose: Purpose, category: string): Decision {
  if (!policy.categories.has(category)) return deny(reasons.unknownCategory());
  if (caller.kind === "anonymous") return deny(reasons.anonymous());
  if (!mayDeclare(policy, caller, purpose)) {
    switch (caller.kind) {
      case "partner":
        return deny(reasons.grantPurpose(purpose, caller.grant.id));
      case "customer":
        return deny(reasons.purposeNotAllowed(purpose, "customer"));
      case "staff":
        return deny(reasons.purposeNotAllowed(purpose, caller.role));
      default:
        return assertNever(caller, "caller kind");
    }
  }
  const cell = matrixCell(policy, purpose, category);
  if (cell === "deny") return deny(reasons.purposeExcludesCategory(purpose, category));
  if (caller.kind === "partner" && !caller.grant.categories.some((p) => matchesPrefix(category, p))) {
    return deny(reasons.grantCategory(category, caller.grant.id));
  }
  return { effect: cell, reason: grantedReason(cell, purpose, category) };
}

/**
 * The most this caller could get for this purpose and category, for any subject: an upper bound
 * of `decide`, used by the static check before any data is read. Beyond `callerDecision` it
 * denies a partner whose grant reaches no residency at all (no regions, or only regions it may
 * not receive from for want of a transfer basis).
 */
export function ceiling(policy: Policy, caller: Caller, purpose: Purpose, category: string): Decision {
  const base = callerDecision(policy, caller, purpose, category);
  if (base.effect === "deny" || caller.kind !== "partner") return base;
  const { grant, partnerRegion } = caller;
  if (grant.regions.length === 0) return deny(reasons.outOfRegion(grant.id, grant.regions));
  if (!hasTransferBasis(grant) && !grant.regions.includes(partnerRegion)) {
    return deny(reasons.transferNotPermitted(grant.id, partnerRegion));
  }
  return base;
}
