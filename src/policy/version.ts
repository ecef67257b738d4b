/** Version of the policy data; recorded with every disclosure so a decision can be replayed. */
export const POLICY_VERSION = "2026-11-01";
