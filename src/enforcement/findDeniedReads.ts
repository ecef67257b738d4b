import { purposeName } from "../policy/purposeName.js";
import type { Caller } from "../policy/caller.js";
import { ceiling } from "../policy/ceiling.js";
import type { Policy } from "../policy/policy.js";
import type { Purpose } from "../policy/purposes.js";
import type { ReasonCode } from "../policy/reasons.js";
import type { OperationReads } from "./collectOperationReads.js";
import type { DataMap } from "./dataMap.js";
import { audienceOfField, mayEverRead } from "./fieldAudience.js";
import { audienceOf } from "./rootFieldAudience.js";

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
  // A partner's reads depend on its grant; anyone else's on the audience and purpose alone.
  if (caller.kind === "partner") return deniedReads(reads, dataMap, policy, caller, purpose);
  const key = `${audienceOf(caller)}/${purpose}`;
  let byCaller = keptDenials.get(reads)?.get(policy);
  if (byCaller === undefined) {
    const byPolicy = keptDenials.get(reads) ?? new WeakMap<Policy, Map<string, readonly DeniedRead[]>>();
    keptDenials.set(reads, byPolicy);
    byPolicy.set(policy, (byCaller = new Map()));
  }
  let denied = byCaller.get(key);
  if (denied === undefined) byCaller.set(key, (denied = Object.freeze(deniedReads(reads, dataMap, policy, caller, purpose))));
  return [...denied];
}

/**
 * Denials kept with an operation's reads (kept themselves with the parsed operation when no
 * variable decided them: operationReads.ts) and the policy, by audience and purpose, so a client's
 * repeated operation is checked once per policy. The data map is the gateway's one.
 */
const keptDenials = new WeakMap<OperationReads, WeakMap<Policy, Map<string, readonly DeniedRead[]>>>();

function deniedReads(reads: OperationReads, dataMap: DataMap, policy: Policy, caller: Caller, purpose: Purpose): DeniedRead[] {
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
