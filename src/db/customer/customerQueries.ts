import { and, asc, count, eq, getTableColumns, gt, sql, type SQL } from "drizzle-orm";
import type { SelectedFields } from "drizzle-orm/pg-core";
import { anyOf } from "../anyOf.js";
import type { Database } from "../client.js";
import { customers, profiles } from "../schema/index.js";

/** A select of customer rows; `extra` columns (the subjects' states, from the enforcement) come with them. */
function selectCustomers<E extends SelectedFields>(db: Database, extra: E | undefined) {
  return db.select({ ...getTableColumns(customers), ...extra } as typeof customers._.columns & E).from(customers);
}

/** Customers by id, with `extra` columns (see selectCustomers). */
export function customersById<E extends SelectedFields>(db: Database, ids: readonly string[], extra?: E) {
  return selectCustomers(db, extra).where(anyOf(customers.id, ids));
}

export interface CustomerCriteria {
  status?: "active" | "restricted" | "erased" | null;
  residency?: string | null;
  /** Exact, case-insensitive email match: a personal filter (reads user.contact.email). */
  email?: string | null;
  /** Only these customer ids (a batch lookup). */
  ids?: readonly string[] | null;
  /** Only the subjects the caller may see for the purpose (see enforcement/visibleSubjectsWhere.ts). */
  visible: SQL;
}

function where(criteria: CustomerCriteria): SQL | undefined {
  const email = criteria.email?.trim().toLowerCase();
  return and(
    criteria.status ? eq(customers.status, criteria.status) : undefined,
    criteria.residency ? eq(customers.residency, criteria.residency) : undefined,
    criteria.ids ? anyOf(customers.id, criteria.ids) : undefined,
    email
      ? sql`exists (select 1 from ${profiles} where ${profiles.customerId} = ${customers.id} and lower(${profiles.email}) = ${email})`
      : undefined,
    criteria.visible,
  );
}

/**
 * One page in id order, or with an `orderSalt` in the order of `md5(orderSalt || id)` (a scope's
 * own order: see IdScope.orderSalt; no index serves it, so such a page sorts the customers it
 * matches), and the first row after it (`next`: another page follows; null when none); with
 * `extra` columns (see selectCustomers).
 */
export async function customerPage<E extends SelectedFields>(
  db: Database,
  criteria: CustomerCriteria,
  first: number,
  afterId: string | null,
  onlyId: string | null,
  orderSalt: string | null,
  extra?: E,
) {
  const key = (id: SQL | string) => sql`md5(${orderSalt}::text || ${id}::text)`;
  const after =
    afterId === null ? undefined : orderSalt === null ? gt(customers.id, afterId) : sql`${key(sql`${customers.id}`)} > ${key(afterId)}`;
  const rows = await selectCustomers(db, extra)
    .where(and(where(criteria), after, onlyId ? eq(customers.id, onlyId) : undefined))
    .orderBy(orderSalt === null ? asc(customers.id) : key(sql`${customers.id}`))
    .limit(first + 1);
  return { rows: rows.slice(0, first), next: rows[first] ?? null };
}

/** The ids of the customers matching, in id order, at most `limit`, with `extra` columns (see selectCustomers). */
export function customerIds<E extends SelectedFields>(
  db: Database,
  criteria: CustomerCriteria,
  onlyId: string | null,
  limit: number,
  extra?: E,
) {
  return db
    .select({ id: customers.id, ...extra } as { id: typeof customers.id } & E)
    .from(customers)
    .where(and(where(criteria), onlyId ? eq(customers.id, onlyId) : undefined))
    .orderBy(asc(customers.id))
    .limit(limit);
}

export async function customerCount(db: Database, criteria: CustomerCriteria, onlyId: string | null): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(customers)
    .where(and(where(criteria), onlyId ? eq(customers.id, onlyId) : undefined));
  return row?.n ?? 0;
}
