import { assertNever } from "./assertNever.js";
import { isPurpose, type Purpose } from "./purposes.js";
import { ROLE_PURPOSES, type StaffRole } from "./roles.js";

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

export type PartnerKind = "affiliate" | "service_provider" | "third_party";

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

/** The purposes this caller may declare (a partner's: its grant's, less unknown ones). */
export function purposesFor(caller: Caller): readonly Purpose[] {
  switch (caller.kind) {
    case "anonymous":
      return [];
    case "customer":
      return ROLE_PURPOSES.customer;
    case "staff":
      return ROLE_PURPOSES[caller.role] ?? [];
    case "partner":
      return [...new Set(caller.grant.purposes.filter(isPurpose))];
    default:
      return assertNever(caller, "caller kind");
  }
}

/**
 * The purpose assumed when none is declared: the caller's only one, when its role (ROLE_PURPOSES:
 * a customer on their own data, billing, fraud, legal) or its partner grant allows exactly one.
 * A caller with several declares which.
 */
export function defaultPurpose(caller: Caller): Purpose | null {
  const own = purposesFor(caller);
  return own.length === 1 ? own[0]! : null;
}

/** True when the caller may declare `purpose` (same answer as `purposesFor(caller).includes`). */
export function mayDeclare(caller: Caller, purpose: string): purpose is Purpose {
  if (!isPurpose(purpose)) return false;
  switch (caller.kind) {
    case "anonymous":
      return false;
    case "customer":
      return ROLE_PURPOSES.customer.includes(purpose);
    case "staff":
      return (ROLE_PURPOSES[caller.role] ?? []).includes(purpose);
    case "partner":
      return caller.grant.purposes.includes(purpose);
    default:
      return assertNever(caller, "caller kind");
  }
}
