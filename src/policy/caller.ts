import { assertNever } from "./assertNever.js";
import type { Policy } from "./policy.js";
import { isPurpose, type Purpose } from "./purposes.js";
import type { StaffRole } from "./roles.js";

/** What a partner's API key allows. It replaces a role and can only narrow the matrix. */
export type Grant = {
  id: string;
  purposes: readonly Purpose[];
  /** Category prefixes, matched segment-wise (`user.contact` covers `user.contact.email`). */
  categories: readonly string[];
  /** Which subjects: everyone, those who opted in to this partner, or those linked to it. */
  subjectScope: "all" | "consented" | "linked";
  /** Subject residencies (region codes) the grant covers. */
  regions: readonly string[];
  /** Legal basis for a transfer outside the subject's residency (e.g. `SCC`); null if none. */
  transferBasis: string | null;
  validFrom: Date;
  validUntil: Date;
};

/** Partner kinds; the policy file says what each kind's reads always need. */
export const PARTNER_KINDS = ["affiliate", "service_provider", "third_party"] as const;

export type PartnerKind = (typeof PARTNER_KINDS)[number];

export type Caller =
  | { kind: "anonymous" }
  | { kind: "customer"; customerId: string }
  | { kind: "staff"; staffId: string; role: StaffRole }
  | {
      kind: "partner";
      partnerId: string;
      partnerKind: PartnerKind;
      partnerRegion: string;
      keyId: string;
      grant: Grant;
      /** Held to its registered persisted operations (read with the key; absent: look it up, as if held). */
      persistedOperationsOnly?: boolean;
    };

/** The purposes this caller may declare under `policy` (a partner's: its grant's, less unknown ones). */
export function purposesFor(policy: Policy, caller: Caller): readonly Purpose[] {
  switch (caller.kind) {
    case "anonymous":
      return [];
    case "customer":
      return policy.roles.customer;
    case "staff":
      return policy.roles[caller.role] ?? [];
    case "partner":
      return [...new Set(caller.grant.purposes.filter(isPurpose))];
    default:
      return assertNever(caller, "caller kind");
  }
}

/**
 * The purpose assumed when none is declared: the caller's only one, when its role (the policy's
 * roles: a customer on their own data, billing, fraud, legal) or its partner grant allows exactly
 * one. A caller with several declares which.
 */
export function defaultPurpose(policy: Policy, caller: Caller): Purpose | null {
  const own = purposesFor(policy, caller);
  return own.length === 1 ? own[0]! : null;
}

/** True when the caller may declare `purpose` (same answer as `purposesFor(caller).includes`). */
export function mayDeclare(policy: Policy, caller: Caller, purpose: string): purpose is Purpose {
  if (!isPurpose(purpose)) return false;
  switch (caller.kind) {
    case "anonymous":
      return false;
    case "customer":
      return policy.roles.customer.includes(purpose);
    case "staff":
      return (policy.roles[caller.role] ?? []).includes(purpose);
    case "partner":
      return caller.grant.purposes.includes(purpose);
    default:
      return assertNever(caller, "caller kind");
  }
}
