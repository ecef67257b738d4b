import type { Caller } from "../policy/caller.js";
import { STAFF_ROLES, type StaffRole } from "../policy/roles.js";

/** Who may ever call a root field: customers, partners, or staff of the listed roles. */
export type Audience = "customer" | "partner" | StaffRole;

const EVERYONE: readonly Audience[] = ["customer", "partner", ...STAFF_ROLES];
const OFFICE: readonly Audience[] = ["privacy_officer"];

/**
 * The callers each root field serves: the one statement of who may call it. It admits requests
 * (the static check refuses an operation calling a root field outside the caller's audience before
 * execution; the rule tree refuses it again before the resolver runs) and gives each caller its own
 * introspection (schemaForCaller.ts). Resolvers keep only the rules of the row (a customer reads
 * only their own request) and of the purpose. A root field missing here serves no one, and
 * test/enforcement/introspection.test.ts fails until it is listed.
 */
export const ROOT_FIELD_AUDIENCE: Readonly<Record<string, readonly Audience[]>> = {
  "Query.me": ["customer"],
  "Query.customer": EVERYONE,
  "Query.customers": EVERYONE,
  "Query.disclosureLog": ["privacy_officer", "legal"],
  "Query.explainAccess": EVERYONE,
  "Query.partners": OFFICE,
  "Query.partnerAdministration": OFFICE,
  "Query.myGrant": ["partner"],
  "Query.mySubjectRequests": ["customer"],
  "Query.subjectRequests": OFFICE,
  "Query.subjectRequest": ["customer", "privacy_officer"],
  "Query.accessReport": ["customer", "privacy_officer"],
  "Query.portableExport": ["customer", "privacy_officer"],
  "Mutation.setConsent": ["customer"],
  "Mutation.setPartnerSharing": ["customer"],
  "Mutation.liftObjection": ["customer"],
  "Mutation.createPartner": OFFICE,
  "Mutation.issueApiKey": OFFICE,
  "Mutation.revokeApiKey": OFFICE,
  "Mutation.createGrant": OFFICE,
  "Mutation.revokeGrant": OFFICE,
  "Mutation.registerPersistedOperation": OFFICE,
  "Mutation.revokePersistedOperation": OFFICE,
  "Mutation.setPersistedOperationsOnly": OFFICE,
  "Mutation.updateMyProfile": ["customer"],
  "Mutation.updateMyPreferences": ["customer"],
  "Mutation.fileSubjectRequest": ["customer"],
  "Mutation.fileSubjectRequestFor": OFFICE,
  "Mutation.checkSubjectRequestIdentity": OFFICE,
  "Mutation.verifySubjectRequest": OFFICE,
  "Mutation.completeSubjectRequest": OFFICE,
  "Mutation.rejectSubjectRequest": OFFICE,
  "Mutation.runRetentionPurge": OFFICE,
  "Mutation.reloadPolicy": OFFICE,
};

/** The caller's audience name, or null for an anonymous caller (who is in no audience). */
export function audienceOf(caller: Caller): Audience | null {
  switch (caller.kind) {
    case "anonymous":
      return null;
    case "customer":
      return "customer";
    case "partner":
      return "partner";
    case "staff":
      return caller.role;
  }
}

/** True when the root field at `coordinate` (`Query.me`) serves this caller; unknown fields serve no one. */
export function mayEverCall(caller: Caller, coordinate: string): boolean {
  const audience = audienceOf(caller);
  return audience !== null && (ROOT_FIELD_AUDIENCE[coordinate]?.includes(audience) ?? false);
}

/**
 * The caller as the one kind of caller a root field's audience admits, for the resolver's types:
 * not a check of who may call (the rule tree refused anyone else before the resolver ran). Another
 * kind here means the table and the resolver disagree: an internal error, nothing served.
 */
export function admittedAs<K extends Caller["kind"]>(caller: Caller, kind: K): Extract<Caller, { kind: K }> {
  if (caller.kind !== kind) throw new Error(`a ${caller.kind} caller reached a resolver that serves only ${kind} callers`);
  return caller as Extract<Caller, { kind: K }>;
}
