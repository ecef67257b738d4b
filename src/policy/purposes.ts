import type { Policy } from "./policy.js";

/**
 * Purposes: why a value is read. The gateway offers these (the GraphQL `Purpose` enum); the policy
 * file defines each (consent basis, Fides data use, what survives restriction or objection).
 */
export const PURPOSES = [
  "account_management",
  "service_delivery",
  "customer_support",
  "payments",
  "claims",
  "marketing",
  "advertising",
  "personalization",
  "analytics",
  "research",
  "fraud_prevention",
  "legal_compliance",
  "subject_request",
] as const;

export type Purpose = (typeof PURPOSES)[number];

export type ConsentBasis = "contract" | "opt_out" | "legitimate_interest" | "legal_obligation" | "verified_request";

export type PurposeDefinition = {
  /** fideslang data use key, for the Fides export. */
  readonly fidesDataUse: string;
  readonly consentBasis: ConsentBasis;
  /** Still served while the subject's processing is restricted. */
  readonly survivesRestriction: boolean;
  /** A subject's objection to this purpose stops it. */
  readonly honoursObjection: boolean;
  readonly description: string;
};

const PURPOSE_SET: ReadonlySet<string> = new Set(PURPOSES);

export function isPurpose(s: unknown): s is Purpose {
  return typeof s === "string" && PURPOSE_SET.has(s);
}

/** Purposes a subject can opt out of (consent basis `opt_out`) under `policy`. */
export function optOutPurposes(policy: Policy): Purpose[] {
  return PURPOSES.filter((p) => policy.purposes[p].consentBasis === "opt_out");
}
