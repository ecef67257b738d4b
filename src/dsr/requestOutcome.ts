import type { RecipientToNotify } from "./recipientsToNotify.js";

/** Why erasure kept a table's rows: a retention rule under legal hold (its category key), or the tombstone. */
export interface ErasureHold {
  /** The retention key (`user.behavior.purchase_history`), or `tombstone`. */
  rule: string;
  /** The retention in words (`10 years from collection, then deleted (legal hold)`); null for the tombstone. */
  retention: string | null;
  reason: string;
}

/**
 * What an erasure did to one table's rows about the subject. Each row is counted once: `erased`
 * deleted; `anonymised` kept with every personal column nulled (but what `keptOnErasure` names,
 * facts with no one left to tie them to); `held` kept with values a hold names in `heldBy`
 * (their other personal columns nulled).
 */
export interface TableOutcome {
  table: string;
  erased: number;
  anonymised: number;
  held: number;
  heldBy: ErasureHold[];
}

/**
 * What completing an erasure or a rectification did, kept in the request's `detail.outcome` so it
 * can be read again: counts, rule keys, partner ids and field coordinates, never a value.
 * `tables` is empty for a rectification (it changes the profile's corrected fields only).
 */
export interface RequestOutcome {
  tables: TableOutcome[];
  recipients: RecipientToNotify[];
}

/** The outcome stored with a request (`detail.outcome`), or null when it has none. */
export function requestOutcomeOf(detail: Record<string, unknown>): RequestOutcome | null {
  const o = detail.outcome as Partial<RequestOutcome> | undefined;
  return o !== null && typeof o === "object" && Array.isArray(o.tables) && Array.isArray(o.recipients)
    ? { tables: o.tables, recipients: o.recipients }
    : null;
}
