/**
 * Checking a requester's identity claims against what is held about the subject, without
 * reading the held values out: each claim answers MATCH, NO_MATCH or NOT_ON_FILE, never a value.
 * Both sides are normalised (names: Unicode NFKC, case, runs of whitespace; emails: case and
 * surrounding whitespace; phones: digits only; an account's last four: letters and digits only,
 * case) and compared as SHA-256 digests with a constant-time comparison, every account compared
 * whatever the earlier ones gave. A check is recorded with the request as an event note of
 * outcomes only (`IDENTITY_CHECK:email=MATCH,phone=NO_MATCH`). At most MAX_IDENTITY_CHECKS per
 * request, and MAX_SUBJECT_IDENTITY_CHECKS per subject over IDENTITY_CHECK_WINDOW_DAYS across all
 * their requests (rejected and refiled ones, or one open of each kind, included), so that the
 * check cannot be used to guess a value one try at a time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { and, count, eq, gt, like } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { accounts, customers, profiles, subjectRequestEvents } from "../db/schema/index.js";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";

export const IDENTITY_CLAIMS = ["name", "email", "phone", "accountLastFour"] as const;
export type IdentityClaim = (typeof IDENTITY_CLAIMS)[number];

export const CLAIM_OUTCOMES = ["match", "no_match", "not_on_file"] as const;
export type ClaimOutcome = (typeof CLAIM_OUTCOMES)[number];

export type IdentityClaims = Partial<Record<IdentityClaim, string | null>>;
export type ClaimResults = Partial<Record<IdentityClaim, ClaimOutcome>>;

/** Checks per request, passed or not. */
export const MAX_IDENTITY_CHECKS = 5;
/** Checks per subject within the window, over all their requests. */
export const MAX_SUBJECT_IDENTITY_CHECKS = 10;
export const IDENTITY_CHECK_WINDOW_DAYS = 30;

/**
 * How many identity checks the subject has had within the window before `now`, over all their
 * requests. Locks the subject's row first, so that two checks at once on two of their requests
 * are counted one after the other (call it in the checking transaction).
 */
export async function subjectChecksInWindow(tx: Database, customerId: string, now: Date): Promise<number> {
  await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId)).for("update");
  const since = new Date(now.getTime() - IDENTITY_CHECK_WINDOW_DAYS * 86_400_000);
  const [row] = await tx
    .select({ n: count() })
    .from(subjectRequestEvents)
    .where(
      and(
        eq(subjectRequestEvents.customerId, customerId),
        like(subjectRequestEvents.note, `${NOTE_PREFIX}%`),
        gt(subjectRequestEvents.at, since),
      ),
    );
  return row?.n ?? 0;
}

/** The GraphQL coordinate each claim is compared with (for the disclosure record). */
export const CLAIM_COORDINATES: Readonly<Record<IdentityClaim, string>> = {
  name: "Profile.fullName",
  email: "Profile.email",
  phone: "Profile.phone",
  accountLastFour: "Account.accountNumber",
};

/** Longest claim accepted (an email address's limit). */
const MAX_CLAIM_LENGTH = 320;

const NORMALISE: Readonly<Record<IdentityClaim, (value: string) => string>> = {
  name: (v) => v.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim(),
  email: (v) => v.normalize("NFKC").trim().toLowerCase(),
  phone: (v) => v.replace(/\D/gu, ""),
  accountLastFour: (v) =>
    v
      .normalize("NFKC")
      .replace(/[^\p{L}\p{N}]/gu, "")
      .toLowerCase(),
};

/** What is held about the subject for each claim: one value, or several (every account's last four). */
export type IdentityOnFile = Record<IdentityClaim, string[]>;

/** The subject's held values for the claims, normalised (accounts: their last four); empty: none on file. */
export async function identityOnFile(db: Database, customerId: string): Promise<IdentityOnFile> {
  const [profile] = await db
    .select({ name: profiles.fullName, email: profiles.email, phone: profiles.phone })
    .from(profiles)
    .where(eq(profiles.customerId, customerId));
  const numbers = await db.select({ number: accounts.accountNumber }).from(accounts).where(eq(accounts.customerId, customerId));
  const held = (claim: IdentityClaim, values: (string | null | undefined)[]) =>
    values
      .filter((v): v is string => typeof v === "string")
      .map(NORMALISE[claim])
      .filter((v) => v.length > 0);
  return {
    name: held("name", [profile?.name]),
    email: held("email", [profile?.email]),
    phone: held("phone", [profile?.phone]),
    accountLastFour: held(
      "accountLastFour",
      numbers.map((n) => n.number),
    ).map((v) => v.slice(-4)),
  };
}

/** The claims given, normalised; refused (without echoing a value) when none is given or one is unusable. */
export function normaliseClaims(claims: IdentityClaims): Partial<Record<IdentityClaim, string>> {
  const out: Partial<Record<IdentityClaim, string>> = {};
  for (const claim of IDENTITY_CLAIMS) {
    const value = claims[claim];
    if (value === null || value === undefined) continue;
    const normalised = value.length > MAX_CLAIM_LENGTH ? "" : NORMALISE[claim](value);
    if (normalised.length === 0 || (claim === "accountLastFour" && normalised.length !== 4)) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        claim === "accountLastFour"
          ? "`claims.accountLastFour` must be the last four characters of an account number."
          : `\`claims.${claim}\` is empty once normalised, or longer than ${MAX_CLAIM_LENGTH} characters.`,
        { reason: "BAD_CLAIM", claim },
      );
    }
    out[claim] = normalised;
  }
  if (Object.keys(out).length === 0)
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, "Give at least one claim to check.", { reason: "NO_CLAIMS" });
  return out;
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Each normalised claim against what is on file: a match with any held value (every one compared, in constant time). */
export function compareClaims(claims: Partial<Record<IdentityClaim, string>>, onFile: IdentityOnFile): ClaimResults {
  const results: ClaimResults = {};
  for (const claim of IDENTITY_CLAIMS) {
    const value = claims[claim];
    if (value === undefined) continue;
    const held = onFile[claim];
    if (held.length === 0) {
      results[claim] = "not_on_file";
      continue;
    }
    const wanted = digest(value);
    let matched = false;
    for (const h of held) matched = timingSafeEqual(wanted, digest(h)) || matched;
    results[claim] = matched ? "match" : "no_match";
  }
  return results;
}

const NOTE_PREFIX = "IDENTITY_CHECK:";

/** The event note of a check: outcomes by claim, never a value. */
export function identityCheckNote(results: ClaimResults): string {
  return (
    NOTE_PREFIX +
    IDENTITY_CLAIMS.filter((c) => results[c] !== undefined)
      .map((c) => `${c}=${results[c]!.toUpperCase()}`)
      .join(",")
  );
}

/** Whether an event note is an identity check's. */
export function isIdentityCheckNote(note: string | null): boolean {
  return note?.startsWith(NOTE_PREFIX);
}

/**
 * A check that verification can rest on: at least one claim matched and none contradicted what
 * is on file (a claim with nothing on file neither counts for nor against).
 */
export function checkPassed(results: ClaimResults): boolean {
  const outcomes = Object.values(results);
  return outcomes.includes("match") && !outcomes.includes("no_match");
}

/** The outcomes of a check's event note (see identityCheckNote). */
export function resultsOfNote(note: string): ClaimResults {
  const results: ClaimResults = {};
  for (const part of note.slice(NOTE_PREFIX.length).split(",")) {
    const [claim, outcome] = part.split("=") as [IdentityClaim, string];
    if ((IDENTITY_CLAIMS as readonly string[]).includes(claim) && (CLAIM_OUTCOMES as readonly string[]).includes(outcome.toLowerCase())) {
      results[claim] = outcome.toLowerCase() as ClaimOutcome;
    }
  }
  return results;
}
