import type { Policy } from "../policy/policy.js";
import { retentionFor, summarizeRetention } from "../policy/retention.js";

/** The retention of a category in words, from the policy (src/policy/retention.ts). */
export function retentionOf(policy: Policy, category: string | null): string {
  const rule = category === null ? null : retentionFor(policy, category);
  return rule ? summarizeRetention(rule) : "not set";
}
