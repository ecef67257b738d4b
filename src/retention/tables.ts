/**
 * How the purge reads each table that holds personal data: which column identifies a row, what
 * the row records (the category whose expiry removes the whole row), and which timestamp column
 * ages which categories (matched by prefix, most specific first). The relationship clock needs no
 * column here: it is the subject's erasure (`customers.erased_at`), joined on `customer_id`.
 */
export interface PurgeTable {
  /** The primary-key column (a uuid). */
  key: string;
  /** The category a row is the record of: when it expires, the row goes; other expiries null columns. */
  row: string | null;
  /** Category prefix -> the timestamp column that ages it (`collection` and `closure` clocks). */
  agedBy: Readonly<Record<string, string>>;
}

export const PURGE_TABLES: Readonly<Record<string, PurgeTable>> = {
  customers: { key: "id", row: null, agedBy: {} },
  profiles: { key: "customer_id", row: null, agedBy: { "user.location": "location_recorded_at" } },
  credentials: { key: "customer_id", row: null, agedBy: {} },
  accounts: { key: "id", row: null, agedBy: {} },
  payment_methods: { key: "id", row: null, agedBy: {} },
  purchases: { key: "id", row: "user.behavior.purchase_history", agedBy: { "user.behavior.purchase_history": "purchased_at" } },
  preferences: { key: "customer_id", row: "user.privacy_preferences", agedBy: {} },
  consent_events: { key: "id", row: "user.privacy_preferences", agedBy: { "user.privacy_preferences": "recorded_at" } },
  submitted_messages: { key: "id", row: "user.content.private", agedBy: { "user.content": "closed_at" } },
  visits: { key: "id", row: "user.behavior.browsing_history", agedBy: { user: "visited_at" } },
};
