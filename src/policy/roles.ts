import type { Purpose } from "./purposes.js";

/** Staff roles carried in a staff JWT. */
export const STAFF_ROLES = [
  "support_agent",
  "billing",
  "fraud_analyst",
  "marketing_analyst",
  "privacy_officer",
  "legal",
] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];

export const ROLES = ["customer", ...STAFF_ROLES] as const;

export type Role = (typeof ROLES)[number];

/** The purposes each role may declare. A partner's grant replaces this table. */
export const ROLE_PURPOSES: Readonly<Record<Role, readonly Purpose[]>> = {
  customer: ["account_management"],
  support_agent: ["customer_support", "service_delivery", "claims"],
  billing: ["payments"],
  fraud_analyst: ["fraud_prevention"],
  marketing_analyst: ["marketing", "advertising", "personalization", "analytics", "research"],
  privacy_officer: ["subject_request", "legal_compliance"],
  legal: ["legal_compliance"],
};

const STAFF_ROLE_SET: ReadonlySet<string> = new Set(STAFF_ROLES);

export function isStaffRole(s: unknown): s is StaffRole {
  return typeof s === "string" && STAFF_ROLE_SET.has(s);
}
