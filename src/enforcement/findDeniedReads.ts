import { purposeName } from "../policy/purposeName.js";
import type { Caller } from "../policy/caller.js";
import { ceiling } from "../policy/ceiling.js";
import type { Policy } from "../policy/policy.js";
import type { Purpose } from "../policy/purposes.js";
import type { ReasonCode } from "../policy/reasons.js";
import type { OperationReads } from "./collectOperationReads.js";
import type { DataMap } from "./dataMap.js";
import { audienceOfField, mayEverRead } from "./fieldAudience.js";

export interface DeniedRead {
  coordinate: string;
  /** Null for a field outside the caller's audience that carries no category (a root field, the accounting). */
  category: string | null;
  reason: ReasonCode | "FILTER_NEEDS_FULL_ACCESS" | "NOT_IN_AUDIENCE";
  message: string;
}

/**
 * The reads this caller can never make for this purpose, whatever the subject. Selecting a field
 * needs the caller in its audience (FIELD_AUDIENCE) and a ceiling better than deny; filtering by
 * one needs `allow`, since matching on a masked or pseudonymised value would still reveal the
 * stored one.
 */
export function findDeniedReads(reads: OperationReads, dataMap: DataMap, policy: Policy, caller: Caller, purpose: Purpose): DeniedRead[] {
  const denied: DeniedRead[] = [];
  for (const coordinate of [...reads.fields].sort()) {
    const field = dataMap.fields.get(coordinate);
    if (!mayEverRead(caller, coordinate)) {
      denied.push({
        coordinate,
        category: field?.category ?? null,
        reason: "NOT_IN_AUDIENCE",
        message: `${coordinate} is read only by ${audienceOfField(coordinate)!.join(", ")}.`,
      });
      continue;
    }
    if (!field) continue;
    const decision = ceiling(policy, caller, purpose, field.category);
    if (decision.effect === "deny")
      denied.push({ coordinate, category: field.category, reason: decision.reason.code, message: decision.reason.message });
  }
  for (const coordinate of [...reads.inputs].sort()) {
    const field = dataMap.inputs.get(coordinate);
    if (!field) continue;
    const decision = ceiling(policy, caller, purpose, field.category);
    if (decision.effect === "deny") {
      denied.push({ coordinate, category: field.category, reason: decision.reason.code, message: decision.reason.message });
    } else if (decision.effect !== "allow") {
      denied.push({
        coordinate,
        category: field.category,
        reason: "FILTER_NEEDS_FULL_ACCESS",
        message: `Filtering by ${field.category} needs full access; ${purposeName(purpose)} gets it only ${decision.effect === "mask" ? "masked" : "pseudonymised"}.`,
      });
    }
  }
  return denied;
}
