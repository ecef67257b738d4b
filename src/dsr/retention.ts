import { retentionFor, summarizeRetention } from "../policy/retention.js";

/** The retention of a category in words, from the policy (src/policy/retention.ts). */
export function retentionOf(category: string | null): string {
  const rule = category === null ? null : retentionFor(category);
  return rule ? summarizeRetention(rule) : "not set";
}
