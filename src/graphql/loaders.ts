import DataLoader from "dataloader";
import type { SelectedFields } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { accountsByCustomer } from "./account/accountQueries.js";
import { consentsByCustomer } from "./consent/consentQueries.js";
import { customersById } from "./customer/customerQueries.js";
import { messagesByCustomer } from "./message/messageQueries.js";
import { paymentMethodsByCustomer } from "./paymentMethod/paymentMethodQueries.js";
import { preferencesByCustomer } from "./preferences/preferencesQueries.js";
import { profilesByCustomer } from "./profile/profileQueries.js";
import { purchasesByCustomer } from "./purchase/purchaseQueries.js";
import { visitsByCustomer } from "./visit/visitQueries.js";

/** Largest `in (...)` list one batch sends; a page larger than this costs one more statement. */
export const MAX_BATCH = 1000;

type Fetch<T> = (db: Database, customerIds: readonly string[]) => Promise<T[]>;

/** One row per customer (or null), in key order. */
function oneEach<T extends { customerId: string }>(db: Database, fetch: Fetch<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const byId = new Map((await fetch(db, ids)).map((row) => [row.customerId, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }, { maxBatchSize: MAX_BATCH });
}

/** All rows of each customer, in key order; the fetch decides the order within a customer. */
function manyEach<T extends { customerId: string }>(db: Database, fetch: Fetch<T>) {
  return new DataLoader<string, T[]>(async (ids) => {
    const groups = new Map<string, T[]>(ids.map((id) => [id, []]));
    for (const row of await fetch(db, ids)) groups.get(row.customerId)?.push(row);
    return ids.map((id) => groups.get(id) ?? []);
  }, { maxBatchSize: MAX_BATCH });
}

/**
 * Where customer rows can bring their subjects' states along (the request's enforcement): the
 * columns to add to the select, and what takes the rows. Saves the state its own statement when a
 * request reads customers by id (`me`, `customer(id:)`).
 */
export interface SubjectStateSink {
  readonly subjectStateColumns: SelectedFields | undefined;
  preload(rows: readonly { id: string }[]): Promise<void>;
}

/**
 * Per-request loaders: nested lists of a page cost one statement per list, not one per customer.
 * Never shared across requests (each caller sees only what its own request decided).
 */
export function createLoaders(db: Database, states?: SubjectStateSink) {
  const visitLoaders = new Map<number, DataLoader<string, Awaited<ReturnType<typeof visitsByCustomer>>>>();
  return {
    customer: new DataLoader(async (ids: readonly string[]) => {
      const rows = await customersById(db, ids, states?.subjectStateColumns);
      if (states?.subjectStateColumns) await states.preload(rows);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }, { maxBatchSize: MAX_BATCH }),
    profile: oneEach(db, profilesByCustomer),
    preferences: oneEach(db, preferencesByCustomer),
    accounts: manyEach(db, accountsByCustomer),
    paymentMethods: manyEach(db, paymentMethodsByCustomer),
    purchases: manyEach(db, purchasesByCustomer),
    consents: manyEach(db, consentsByCustomer),
    messages: manyEach(db, messagesByCustomer),
    /** Latest `first` visits per customer: one loader per distinct `first` in the operation. */
    visits(first: number) {
      let loader = visitLoaders.get(first);
      if (!loader) {
        loader = manyEach(db, (d, ids) => visitsByCustomer(d, ids, first));
        visitLoaders.set(first, loader);
      }
      return loader;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
