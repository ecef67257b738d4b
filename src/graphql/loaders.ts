import DataLoader from "dataloader";
import type { SelectedFields } from "drizzle-orm/pg-core";
import type { ChildRows } from "../db/childRows.js";
import type { Database } from "../db/client.js";
import { isPromise } from "../enforcement/isPromise.js";
import { consentsByCustomer } from "../db/consent/consentQueries.js";
import { partnerSharingByCustomer } from "./consent/partnerSharingQueries.js";
import {
  CHILDREN_KEY,
  CUSTOMER_CHILDREN,
  customerChildrenFold,
  type ChildrenFold,
  type ChildSelection,
  type CustomerChild,
  type RowWithChildren,
} from "./customer/customerChildren.js";
import { customersById } from "../db/customer/customerQueries.js";
import { objectionsByCustomer } from "./objection/objectionQueries.js";
import { visitsByCustomer } from "./visit/visitQueries.js";

/** Largest `in (...)` list one batch sends; a page larger than this costs one more statement. */
export const MAX_BATCH = 1000;

type Fetch<T> = (db: Database, customerIds: readonly string[]) => Promise<T[]>;

/**
 * A DataLoader whose primed values (a page's children, come with its customers) are also answered
 * without a promise (`loadNow`): a resolver that returns its value at once spares the executor a
 * promise per row, and each wrapper above it (a guard, a decided row) another.
 */
export class PrimedLoader<K, V> extends DataLoader<K, V> {
  readonly #primed = new Map<K, V>();

  /** The value primed for `key`, else `load(key)`. */
  loadNow(key: K): V | Promise<V> {
    const primed = this.#primed.get(key);
    return primed !== undefined || this.#primed.has(key) ? (primed as V) : this.load(key);
  }

  // As DataLoader's own cache: the first value primed for a key stays until the key is cleared.
  override prime(key: K, value: V | PromiseLike<V> | Error): this {
    if (!this.#primed.has(key) && !(value instanceof Error) && !isPromise(value)) this.#primed.set(key, value as V);
    return super.prime(key, value);
  }

  override clear(key: K): this {
    this.#primed.delete(key);
    return super.clear(key);
  }

  override clearAll(): this {
    this.#primed.clear();
    return super.clearAll();
  }
}

/** One row per customer (or null), in key order. */
function oneEach<T extends { customerId: string }>(db: Database, fetch: Fetch<T>) {
  return new PrimedLoader<string, T | null>(
    async (ids) => {
      const byId = new Map((await fetch(db, ids)).map((row) => [row.customerId, row]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { maxBatchSize: MAX_BATCH },
  );
}

/** All rows of each customer, in key order; the fetch decides the order within a customer. */
function manyEach<T extends { customerId: string }>(db: Database, fetch: Fetch<T>) {
  return new PrimedLoader<string, T[]>(
    async (ids) => {
      const groups = new Map<string, T[]>(ids.map((id) => [id, []]));
      for (const row of await fetch(db, ids)) groups.get(row.customerId)?.push(row);
      return ids.map((id) => groups.get(id) ?? []);
    },
    { maxBatchSize: MAX_BATCH },
  );
}

/** A child's loader, by its kind: one row (or null) per customer for a `one` child, else all its rows. */
function childLoader<Row extends { customerId: string }, One extends boolean>(db: Database, child: ChildRows<Row, One>) {
  return (child.one ? oneEach(db, child.byCustomer) : manyEach(db, child.byCustomer)) as PrimedLoader<
    string,
    One extends true ? Row | null : Row[]
  >;
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
 * Per-request loaders: nested lists of a page cost one statement per list, not one per customer,
 * and none at all when they come with the customers (wantChildren, primeChildren). Never shared
 * across requests (each caller sees only what its own request decided).
 */
export function createLoaders(db: Database, states?: SubjectStateSink) {
  const visitLoaders = new Map<number, DataLoader<string, Awaited<ReturnType<typeof visitsByCustomer>>>>();
  // Children the resolvers asked the next batch of customers by id to bring along, with their columns.
  const wanted = new Map<CustomerChild, readonly string[] | undefined>();
  const loaders = {
    customer: new DataLoader(
      async (ids: readonly string[]) => {
        const fold = customerChildrenFold(new Map(wanted));
        wanted.clear();
        const rows = await customersById(db, ids, { ...states?.subjectStateColumns, ...fold?.column });
        loaders.primeChildren(rows, fold);
        if (states?.subjectStateColumns) await states.preload(rows);
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    profile: childLoader(db, CUSTOMER_CHILDREN.profile),
    preferences: childLoader(db, CUSTOMER_CHILDREN.preferences),
    accounts: childLoader(db, CUSTOMER_CHILDREN.accounts),
    paymentMethods: childLoader(db, CUSTOMER_CHILDREN.paymentMethods),
    purchases: childLoader(db, CUSTOMER_CHILDREN.purchases),
    consents: manyEach(db, consentsByCustomer),
    partnerSharing: manyEach(db, partnerSharingByCustomer),
    objections: manyEach(db, objectionsByCustomer),
    messages: childLoader(db, CUSTOMER_CHILDREN.messages),
    /** Latest `first` visits per customer: one loader per distinct `first` in the operation. */
    visits(first: number) {
      let loader = visitLoaders.get(first);
      if (!loader) {
        loader = manyEach(db, (d, ids) => visitsByCustomer(d, ids, first));
        visitLoaders.set(first, loader);
      }
      return loader;
    },
    /**
     * Asks the next batch of `customer` loads to bring these children's rows in its own statement
     * (call it before `customer.load`): their loaders then answer without a statement.
     */
    wantChildren(children: ChildSelection) {
      for (const [child, columns] of children) {
        const before = wanted.get(child);
        if (!wanted.has(child)) wanted.set(child, columns);
        // One operation asks alike everywhere (the same array); else the union, undefined being every column.
        else if (before !== columns)
          wanted.set(child, before === undefined || columns === undefined ? undefined : [...new Set([...before, ...columns])].sort());
      }
    },
    /**
     * Puts the children's rows that came with customer rows (selected with `fold`'s column) into
     * their loaders, and drops the JSON text from the row: the customer row does not keep them twice.
     */
    primeChildren(rows: readonly RowWithChildren[], fold: ChildrenFold | undefined) {
      if (fold === undefined) return;
      for (const row of rows) {
        const children = fold.childrenOf(row);
        row[CHILDREN_KEY] = undefined;
        for (const name of Object.keys(children) as CustomerChild[]) {
          const childRows = children[name]!;
          const loader = loaders[name] as DataLoader<string, unknown>;
          loader.prime(row.id, CUSTOMER_CHILDREN[name].one ? (childRows[0] ?? null) : childRows);
        }
      }
    },
  };
  return loaders;
}

export type Loaders = ReturnType<typeof createLoaders>;
