/**
 * Retention: how long each category of personal data is kept, and what happens to it then, as
 * the policy file states it. No database: src/retention/purge.ts enforces it, src/datamap prints
 * it in the record of processing, and the access report quotes it. Keys are category prefixes
 * matched like the matrix: a specific key inherits its nearest ancestor's entry unless it has its own
 * (`user.device.ip_address` has its own; `user.contact.email` inherits `user.contact`).
 */
import { assertNever } from "./assertNever.js";
import { categoryLineage } from "./categories.js";
import type { MaskKind } from "./masks.js";
import type { Policy } from "./policy.js";

/** A length of time; the parts add up (`{ years: 1, months: 1 }` is 13 months). */
export type RetentionPeriod = { readonly years?: number; readonly months?: number; readonly days?: number };

/** What the period counts from. */
export type RetentionClock =
  /** From when the value was collected: the row's own timestamp (a visit's time, a location fix). */
  | "collection"
  /** From when the record was closed (a contact-form message closed by support). */
  | "closure"
  /** From the end of the customer relationship: the subject's erasure (`customers.erased_at`). */
  | "relationship_end"
  /** For as long as the account exists: nothing to purge; erasure removes it. */
  | "account_life";

/** What happens when the period is over. */
export type RetentionAction =
  /** The values go: the row when the category is what the row records, else the columns are nulled. */
  | { readonly kind: "delete" }
  /** The values are replaced by the category's mask (e.g. an IP address truncated to its /24 or /48). */
  | { readonly kind: "anonymize"; readonly mask: MaskKind }
  /** The category's columns are set to null and the row stays (e.g. coordinates of a location fix). */
  | { readonly kind: "nullify" }
  /** Nothing while the account lives; erasure removes or anonymises it. */
  | { readonly kind: "keep" };

export type RetentionRule = {
  /** Null with the `account_life` clock: no fixed period. */
  readonly period: RetentionPeriod | null;
  readonly clock: RetentionClock;
  readonly action: RetentionAction;
  /** Kept because the law requires it (bookkeeping, proof of consent): erasure keeps it too. */
  readonly legalHold: boolean;
  /** Why this long, for the record of processing. */
  readonly rationale: string;
};

/** A category's retention: the governing key (the category itself or an ancestor) and its rule. */
export type ResolvedRetention = RetentionRule & { readonly key: string };

/** The retention of `category` under `policy`: its own entry or its nearest parent's; null when none covers it. */
export function retentionFor(policy: Policy, category: string): ResolvedRetention | null {
  for (const key of categoryLineage(category)) {
    const rule = policy.retention.get(key);
    if (rule !== undefined) return { ...rule, key };
  }
  return null;
}

// ---- periods ---------------------------------------------------------------------------------

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** `{ months: 13 }` -> `13 months`; `{ years: 1, days: 2 }` -> `1 year 2 days`. */
export function formatPeriod(period: RetentionPeriod): string {
  const parts: string[] = [];
  if (period.years) parts.push(plural(period.years, "year"));
  if (period.months) parts.push(plural(period.months, "month"));
  if (period.days) parts.push(plural(period.days, "day"));
  return parts.length === 0 ? "0 days" : parts.join(" ");
}

/**
 * The instant before which a value collected (or closed, ...) has outlived `period`, as seen on
 * the day of `now`: the start of `now`'s UTC day, less the period. Day-granular, so every purge
 * run on the same day draws the same line. A month step that lands past a month's end stops at
 * its last day (31 March less one month is 28 or 29 February).
 */
export function retentionCutoff(now: Date, period: RetentionPeriod): Date {
  const years = period.years ?? 0;
  const months = period.months ?? 0;
  const days = period.days ?? 0;
  const totalMonths = now.getUTCFullYear() * 12 + now.getUTCMonth() - years * 12 - months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(now.getUTCDate(), lastDay);
  return new Date(Date.UTC(year, month, day - days));
}

// ---- descriptions ----------------------------------------------------------------------------

function clockPhrase(clock: Exclude<RetentionClock, "account_life">): string {
  switch (clock) {
    case "collection":
      return "after collection";
    case "closure":
      return "after the record is closed";
    case "relationship_end":
      return "after the end of the customer relationship";
    default:
      return assertNever(clock, "retention clock");
  }
}

function actionPhrase(action: RetentionAction): string {
  switch (action.kind) {
    case "delete":
      return "deleted";
    case "anonymize":
      return action.mask === "IP_TRUNCATE"
        ? "anonymised (IPv4 truncated to its /24, IPv6 to its /48, an IPv4 address carried in IPv6 to its /24)"
        : `anonymised (mask ${action.mask})`;
    case "nullify":
      return "removed (the values are set to null; the record stays)";
    case "keep":
      return "kept";
    default:
      return assertNever(action, "retention action");
  }
}

/** Short form for tables: `13 months after collection, then deleted`. */
export function summarizeRetention(rule: RetentionRule): string {
  if (rule.clock === "account_life" || rule.period === null) return "life of the account";
  const when = `${formatPeriod(rule.period)} ${clockPhrase(rule.clock)}`;
  const then = rule.action.kind === "anonymize" ? "anonymised" : rule.action.kind === "nullify" ? "removed" : actionPhrase(rule.action);
  return `${when}, then ${then}${rule.legalHold ? " (legal hold)" : ""}`;
}

/** One sentence a data subject or an auditor can read: period, clock, action, legal hold. */
export function describeRetention(rule: RetentionRule): string {
  if (rule.clock === "account_life" || rule.period === null) {
    return "Kept for the life of the account; removed or irreversibly anonymised when the account is erased.";
  }
  const hold = rule.legalHold ? " Under legal hold: an erasure request does not shorten it." : "";
  return `${capitalize(actionPhrase(rule.action))} ${formatPeriod(rule.period)} ${clockPhrase(rule.clock)}.${hold}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The schedule of `policy` as Markdown, one row per entry. */
export function formatRetentionTable(policy: Policy): string {
  const rows = [...policy.retention].map(
    ([key, rule]) => `| \`${key}\` | ${summarizeRetention(rule)} | ${describeRetention(rule)} ${rule.rationale} |`,
  );
  return ["| category | retention | description |", "|---|---|---|", ...rows].join("\n");
}
