/**
 * How erasure treats each table that holds personal columns (src/enforcement/personalColumns.ts):
 *
 * - `delete`: the subject's rows go;
 * - `anonymise`: the rows stay (their non-personal columns are needed: an account's product, a
 *   purchase's amount) and every personal column is set to null, except those under legal hold.
 *
 * Which columns are under legal hold is the retention schedule's to say (src/policy/retention.ts:
 * a category whose rule has `legalHold`), not this table's, so that erasure and the record of
 * processing cannot disagree: a held column stays through erasure until the purge removes it. A
 * table holding such a column cannot be `delete` (eraseSubject throws). A table in
 * PERSONAL_COLUMNS that is missing here is deleted (the safe default), and
 * test/dsr/transitions.test.ts names every table so a new one is a deliberate choice.
 */
import type { PersonalColumn } from "../datamap/columns.js";
import type { Category } from "../policy/categories.js";
import type { Policy } from "../policy/policy.js";
import { retentionFor, summarizeRetention } from "../policy/retention.js";
import type { ErasureHold } from "./requestOutcome.js";

export type TableErasure = { action: "delete" } | { action: "anonymise"; why: string };

export const ERASURE_PLAN: Readonly<Record<string, TableErasure>> = {
  customers: {
    action: "anonymise",
    why: "the tombstone: every personal column of it is kept (see keptOnErasure), its status set to erased",
  },
  profiles: { action: "anonymise", why: "the profile row stays empty: the tombstone's shape, as the seed writes erased subjects" },
  credentials: { action: "delete" },
  accounts: { action: "anonymise", why: "an account's product and status are not personal" },
  payment_methods: { action: "delete" },
  purchases: { action: "anonymise", why: "bookkeeping records, under legal hold for ten years from the purchase" },
  preferences: { action: "anonymise", why: "the subject's choices, proof of consent under legal hold for three years after erasure" },
  consent_events: {
    action: "anonymise",
    why: "the history of consents and withdrawals, proof of consent under legal hold for three years after erasure",
  },
  submitted_messages: { action: "delete" },
  visits: { action: "delete" },
};

/** Tables without personal columns whose rows about the subject still go (links to partners). */
export const ERASED_LINK_TABLES: readonly string[] = ["partner_links"];

export function erasureOf(table: string): TableErasure {
  return ERASURE_PLAN[table] ?? { action: "delete" };
}

/** Whether erasure keeps values of this category: its retention rule is under legal hold. */
export function heldByLaw(policy: Policy, category: Category): boolean {
  return retentionFor(policy, category)?.legalHold === true;
}

/** Columns kept under legal hold, as `table.column`. */
export function legalHoldColumns(policy: Policy, columns: readonly PersonalColumn[]): string[] {
  return columns.filter((c) => heldByLaw(policy, c.category)).map((c) => `${c.table}.${c.column}`);
}

/** The legal holds that keep these columns through erasure: one per retention rule, in column order. */
export function legalHoldsOf(policy: Policy, columns: readonly PersonalColumn[]): ErasureHold[] {
  const holds = new Map<string, ErasureHold>();
  for (const c of columns) {
    const rule = retentionFor(policy, c.category);
    if (rule?.legalHold && !holds.has(rule.key))
      holds.set(rule.key, { rule: rule.key, retention: summarizeRetention(rule), reason: rule.rationale });
  }
  return [...holds.values()];
}
