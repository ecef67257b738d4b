/** Staff roles carried in a staff JWT. */
export const STAFF_ROLES = ["support_agent", "billing", "fraud_analyst", "marketing_analyst", "privacy_officer", "legal"] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];

/** Every role; the policy file gives each the purposes it may declare. */
export const ROLES = ["customer", ...STAFF_ROLES] as const;

export type Role = (typeof ROLES)[number];

const STAFF_ROLE_SET: ReadonlySet<string> = new Set(STAFF_ROLES);

export function isStaffRole(s: unknown): s is StaffRole {
  return typeof s === "string" && STAFF_ROLE_SET.has(s);
}
