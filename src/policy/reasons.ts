import { purposeName } from "./purposeName.js";
import { isPurpose, type Purpose } from "./purposes.js";

/** Machine-readable reason codes, stable across versions (clients and the audit log key on them). */
export const REASON_CODES = [
  "ALLOWED",
  "MASKED",
  "PSEUDONYMIZED",
  "PURPOSE_EXCLUDES_CATEGORY",
  "PURPOSE_NOT_ALLOWED",
  "NOT_OWN_DATA",
  "NO_VERIFIED_REQUEST",
  "OPTED_OUT",
  "OBJECTED",
  "RESTRICTED",
  "ERASED",
  "GRANT_PURPOSE",
  "GRANT_CATEGORY",
  "GRANT_SCOPE",
  "CONSENT_REQUIRED",
  "OUT_OF_REGION",
  "TRANSFER_NOT_PERMITTED",
  "UNKNOWN_CATEGORY",
  "ANONYMOUS",
  /** A mask or pseudonym the decision asks for cannot apply to the field's value: withheld instead. */
  "NO_SAFE_FORM",
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/** `ReasonCode.OPTED_OUT` etc., for call sites that prefer a namespace to string literals. */
export const ReasonCode: { readonly [K in ReasonCode]: K } = Object.freeze(
  Object.fromEntries(REASON_CODES.map((c) => [c, c])) as { [K in ReasonCode]: K },
);

/**
 * A code plus one short sentence. Messages never carry a personal value: only purpose names,
 * category keys, dates, region codes and partner or grant ids, which the builders below accept.
 */
export type Reason = { readonly code: ReasonCode; readonly message: string };

/** `YYYY-MM-DD` (UTC); an invalid date reads as "an unknown date" rather than throwing. */
export function formatDay(date: Date): string {
  const t = date instanceof Date ? date.getTime() : Number.NaN;
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : "an unknown date";
}

function list(items: readonly string[]): string {
  return items.length === 0 ? "none" : items.join(", ");
}

/** Builders for every reason; inputs are typed to the non-personal values a message may carry. */
export const reasons = {
  allowed: (purpose: Purpose, category: string): Reason => ({
    code: "ALLOWED",
    message: `${purposeName(purpose)} may read ${category} as stored.`,
  }),
  masked: (purpose: Purpose, category: string): Reason => ({
    code: "MASKED",
    message: `${purposeName(purpose)} may read ${category} only masked.`,
  }),
  pseudonymized: (purpose: Purpose, category: string): Reason => ({
    code: "PSEUDONYMIZED",
    message: `${purposeName(purpose)} may read ${category} only pseudonymised.`,
  }),
  unknownCategory: (): Reason => ({
    code: "UNKNOWN_CATEGORY",
    message: "The field's category is not a known data category.",
  }),
  anonymous: (): Reason => ({
    code: "ANONYMOUS",
    message: "Anonymous callers may not read personal data.",
  }),
  purposeNotAllowed: (purpose: string, role: string): Reason => ({
    code: "PURPOSE_NOT_ALLOWED",
    message: `Role ${role} may not declare purpose ${safePurpose(purpose)}.`,
  }),
  grantPurpose: (purpose: string, grantId: string): Reason => ({
    code: "GRANT_PURPOSE",
    message: `Grant ${grantId} does not cover purpose ${safePurpose(purpose)}.`,
  }),
  purposeExcludesCategory: (purpose: Purpose, category: string): Reason => ({
    code: "PURPOSE_EXCLUDES_CATEGORY",
    message: `Purpose ${purposeName(purpose)} never reads ${category}.`,
  }),
  grantCategory: (category: string, grantId: string): Reason => ({
    code: "GRANT_CATEGORY",
    message: `Grant ${grantId} does not cover category ${category}.`,
  }),
  erased: (): Reason => ({
    code: "ERASED",
    message: "The subject's data has been erased.",
  }),
  restricted: (purpose: Purpose): Reason => ({
    code: "RESTRICTED",
    message: `The subject's processing is restricted; ${purposeName(purpose)} does not survive restriction.`,
  }),
  notOwnData: (): Reason => ({
    code: "NOT_OWN_DATA",
    message: "Customers may read only their own data.",
  }),
  noVerifiedRequest: (): Reason => ({
    code: "NO_VERIFIED_REQUEST",
    message: "No verified data-subject request is open for this subject.",
  }),
  optedOut: (purpose: Purpose, since: Date): Reason => ({
    code: "OPTED_OUT",
    message: `subject opted out of ${purposeName(purpose)} on ${formatDay(since)}`,
  }),
  objected: (purpose: Purpose, since: Date): Reason => ({
    code: "OBJECTED",
    message: `subject objected to ${purposeName(purpose)} on ${formatDay(since)}`,
  }),
  consentRequired: (partnerId: string): Reason => ({
    code: "CONSENT_REQUIRED",
    message: `The subject has not opted in to sharing with partner ${partnerId}.`,
  }),
  grantScope: (grantId: string): Reason => ({
    code: "GRANT_SCOPE",
    message: `The subject is not linked to the partner, as grant ${grantId} requires.`,
  }),
  outOfRegion: (grantId: string, regions: readonly string[]): Reason => ({
    code: "OUT_OF_REGION",
    message: `Grant ${grantId} covers only subjects resident in: ${list(regions)}.`,
  }),
  transferNotPermitted: (grantId: string, partnerRegion: string): Reason => ({
    code: "TRANSFER_NOT_PERMITTED",
    message: `Transfer to partner region ${partnerRegion} needs a transfer basis, which grant ${grantId} does not name.`,
  }),
} as const;

/** A declared purpose that is not a known purpose is not echoed (it is caller input). */
function safePurpose(purpose: string): string {
  return isPurpose(purpose) ? purposeName(purpose) : "(unknown)";
}
