import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadPolicy } from "./loadPolicy.js";
import type { Policy } from "./policy.js";

/** The policy file that ships: today's policy (DESIGN.md section 2), owned by the privacy office. */
export const DEFAULT_POLICY_PATH = fileURLToPath(new URL("../../policy/default.policy.yaml", import.meta.url));

function loadDefault(): Policy {
  const loaded = loadPolicy(readFileSync(DEFAULT_POLICY_PATH, "utf8"));
  if (!loaded.ok) {
    const first = loaded.errors[0];
    throw new Error(
      `the shipped policy ${DEFAULT_POLICY_PATH} is invalid: line ${first?.line}, column ${first?.column}: ${first?.message}`,
    );
  }
  return loaded.policy;
}

/**
 * The shipped policy, read once: what tools, seeds and tests decide with, and what a server starts
 * with unless configured with another file. A server's decisions read the policy in force (its
 * request context), never this constant.
 */
export const DEFAULT_POLICY: Policy = loadDefault();
