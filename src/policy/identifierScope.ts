import { assertNever } from "./assertNever.js";
import type { Caller } from "./caller.js";
import type { Policy } from "./policy.js";
import { PURPOSES, type Purpose } from "./purposes.js";

/**
 * Whose ids a request's answers carry (DESIGN.md section 2, identifiers). `internal`: the ids as
 * stored (staff under a purpose that does not pseudonymise, and a customer on their own data).
 * `scoped`: ids of this scope only, named by `label` (a partner's pairwise ids, per purpose when
 * that purpose pseudonymises; a pseudonymising purpose's ids for staff), so two scopes cannot
 * join their answers by row identity.
 */
export type IdentifierScope = { readonly kind: "internal" } | { readonly kind: "scoped"; readonly label: string };

/**
 * The purposes whose decisions pseudonymise: any `pseudonymize` cell in their column of the
 * matrix. An id answered beside pseudonyms would join them back to a clear answer, so under these
 * purposes the ids are pseudonyms too.
 */
export function pseudonymisingPurposes(policy: Policy): Purpose[] {
  return PURPOSES.filter((purpose) => pseudonymisesIdentifiers(policy, purpose));
}

export function pseudonymisesIdentifiers(policy: Policy, purpose: Purpose): boolean {
  for (const row of policy.matrix.values()) if (row[purpose] === "pseudonymize") return true;
  return false;
}

/** A partner's scope for a purpose: its own (pairwise), and per purpose when the purpose pseudonymises. */
export function partnerIdentifierScope(policy: Policy, partnerId: string, purpose: Purpose): Extract<IdentifierScope, { kind: "scoped" }> {
  return {
    kind: "scoped",
    label: pseudonymisesIdentifiers(policy, purpose) ? `partner:${partnerId}:purpose:${purpose}` : `partner:${partnerId}`,
  };
}

const INTERNAL: IdentifierScope = Object.freeze({ kind: "internal" });

/**
 * The scope of the ids a caller sends and receives for a purpose. Labels are unambiguous: a
 * partner id is a UUID and a purpose a fixed name. Deny by default: an anonymous caller (who
 * never reaches data) gets a scope of its own, never the internal ids.
 */
export function identifierScope(policy: Policy, caller: Caller, purpose: Purpose): IdentifierScope {
  switch (caller.kind) {
    case "customer":
      return INTERNAL;
    case "staff":
      return pseudonymisesIdentifiers(policy, purpose) ? { kind: "scoped", label: `purpose:${purpose}` } : INTERNAL;
    case "partner":
      return partnerIdentifierScope(policy, caller.partnerId, purpose);
    case "anonymous":
      return { kind: "scoped", label: "anonymous" };
    default:
      return assertNever(caller, "caller kind");
  }
}

/**
 * The namespace of the pseudonyms a caller receives for a purpose (pseudonymize.ts): the purpose
 * itself for staff, and a partner's own id scope for a partner (always per purpose: a purpose
 * that pseudonymises scopes a partner's ids per purpose). A pseudonym is as joinable as an id:
 * two partners given the same pseudonym for a unique value (an email) could join their answers by
 * it, whatever their pairwise ids; so their pseudonyms differ, as their ids do. Staff of one
 * purpose share its pseudonyms, which is what lets analytics join within the purpose.
 */
export function pseudonymScope(policy: Policy, caller: Caller, purpose: Purpose): string {
  return caller.kind === "partner" ? partnerIdentifierScope(policy, caller.partnerId, purpose).label : purpose;
}

/** Whether the caller's ids are the same under both purposes (one id stands for the same subject in each). */
export function sameIdentifierScope(policy: Policy, caller: Caller, a: Purpose, b: Purpose): boolean {
  if (a === b) return true;
  const [x, y] = [identifierScope(policy, caller, a), identifierScope(policy, caller, b)];
  return x.kind === "internal" ? y.kind === "internal" : y.kind === "scoped" && x.label === y.label;
}
