import { DEFAULT_POLICY } from "../../src/policy/index.js";
import type { PolicyInForce } from "../../src/policy/PolicyInForce.js";

/** The shipped policy, in force and never reloaded: for contexts built without a server. */
export const defaultPolicyInForce: PolicyInForce = {
  file: "policy/default.policy.yaml",
  current: () => DEFAULT_POLICY,
  reload: async () => ({ policy: DEFAULT_POLICY, errors: [] }),
};
