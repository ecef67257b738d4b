import type { Caller } from "../policy/caller.js";
import { audienceOf, type Audience } from "./rootFieldAudience.js";

/** The subject, the privacy office and legal: who reads the accounting of a subject's disclosures. */
const ACCOUNTING: readonly Audience[] = ["customer", "privacy_officer", "legal"];

/**
 * Fields below the root that only some callers may ever read, whatever the matrix says of their
 * category: the accounting of a subject's disclosures names who received their data. One table,
 * applied before execution (findDeniedReads: the operation is refused before any SQL), in each
 * caller's introspection (schemaForCaller), in explainAccess and by the resolvers, which add
 * the row's rule (a customer reads only their own: readsAccountingOf).
 */
export const FIELD_AUDIENCE: Readonly<Record<string, readonly Audience[]>> = {
  "Customer.disclosures": ACCOUNTING,
  "Customer.partnerSharing": ACCOUNTING,
};

/** Types reached only through such fields (or root fields of a narrower audience): every field of theirs has the audience. */
export const TYPE_AUDIENCE: Readonly<Record<string, readonly Audience[]>> = {
  Disclosure: ACCOUNTING,
  PartnerSharing: ACCOUNTING,
};

/** The audience of the field at `coordinate` (its own, else its type's), or undefined: everyone. */
export function audienceOfField(coordinate: string): readonly Audience[] | undefined {
  return FIELD_AUDIENCE[coordinate] ?? TYPE_AUDIENCE[coordinate.slice(0, coordinate.indexOf("."))];
}

/** True unless the field at `coordinate` has an audience that leaves this caller out. */
export function mayEverRead(caller: Caller, coordinate: string): boolean {
  const audience = audienceOfField(coordinate);
  if (audience === undefined) return true;
  const own = audienceOf(caller);
  return own !== null && audience.includes(own);
}
