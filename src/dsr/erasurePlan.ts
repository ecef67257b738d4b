/**
 * How erasure treats each table that holds personal columns (src/enforcement/personalColumns.ts):
 *
 * - `delete`: the subject's rows go;
 * - `anonymise`: the rows stay (their non-personal columns are needed: an account's product, a
 *   purchase's amount) and every personal column is set to null, except those under legal hold.
 *
 * A table in PERSONAL_COLUMNS that is missing here is deleted (the safe default), and
 * test/dsr/erasurePlan.test.ts names every table so a new one is a deliberate choice.
 */
export type TableErasure =
  | { action: "delete" }
  | { action: "anonymise"; legalHold: readonly string[]; why?: string };

export const ERASURE_PLAN: Readonly<Record<string, TableErasure>> = {
  /** The profile row stays empty: the tombstone's shape, as the seed writes erased subjects. */
  profiles: { action: "anonymise", legalHold: [] },
  credentials: { action: "delete" },
  accounts: { action: "anonymise", legalHold: [] },
  payment_methods: { action: "delete" },
  purchases: {
    action: "anonymise",
    legalHold: ["amount_cents", "currency", "purchased_at", "invoice_ref", "tax_rate"],
    why: "bookkeeping records: amount, currency, date, invoice reference and tax rate are kept under legal hold",
  },
  preferences: { action: "delete" },
  consent_events: { action: "delete" },
  submitted_messages: { action: "delete" },
  visits: { action: "delete" },
};

/** Tables without personal columns whose rows about the subject still go (links to partners). */
export const ERASED_LINK_TABLES: readonly string[] = ["partner_links"];

export function erasureOf(table: string): TableErasure {
  return ERASURE_PLAN[table] ?? { action: "delete" };
}

/** Columns kept under legal hold, as `table.column`. */
export function legalHoldColumns(): string[] {
  return Object.entries(ERASURE_PLAN).flatMap(([table, e]) => (e.action === "anonymise" ? e.legalHold.map((c) => `${table}.${c}`) : []));
}
