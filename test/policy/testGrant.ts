import type { Grant } from "../../src/policy/index.js";

/** A partner grant for the policy modules' tests: analytics on `user`, all subjects, EU, with `changes` over it. */
export const testGrant = (changes: Partial<Grant> = {}): Grant => ({
  id: "g",
  purposes: ["analytics"],
  categories: ["user"],
  subjectScope: "all",
  regions: ["EU"],
  transferBasis: null,
  validFrom: new Date(0),
  validUntil: new Date(0),
  ...changes,
});
