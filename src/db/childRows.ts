import { asc, desc, getTableName, type InferColumnsDataTypes } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { anyOf } from "./anyOf.js";
import type { Database } from "./client.js";

/** One column of the order within a customer's rows. */
export interface ChildOrder {
  column: PgColumn;
  descending?: boolean;
}

/**
 * The rows a customer has in one table (a profile, accounts, cards...), read two ways that give
 * the same objects: on their own, for a batch of customers (`byCustomer`, what a DataLoader calls);
 * or folded into the statement that reads the customers (`fold`, a correlated subquery on the
 * enclosing `customers` row). Folded, a customer's profile with its accounts costs one statement
 * instead of three: each statement is a round trip that both PostgreSQL and Node.js pay for
 * (bench/RESULTS.md).
 */
export interface ChildRows<Row, One extends boolean = boolean> {
  /** At most one row per customer (a profile) rather than a list. */
  readonly one: One;
  /** The keys of a row's columns, in the table's order. */
  readonly keys: readonly string[];
  /** The rows of these customers in one statement, every column, in the child's order within a customer. */
  byCustomer(db: Database, customerIds: readonly string[]): Promise<Row[]>;
  /**
   * The rows folded into a select from `customers`. Given `keys`, only those columns and the
   * customer's id are read, and the rows carry only them: a page that shows a name and an email
   * does not make PostgreSQL build, nor Node.js parse, the whole profile. Builds the text anew:
   * keep what it gives (customerChildrenFold does).
   */
  fold(keys?: readonly string[]): Fold<Row>;
}

/** A child's rows as a folded subquery, and their decoding. */
export interface Fold<Row> {
  /**
   * SQL text, no parameter: the rows of the enclosing `customers` row's customer as a JSON array
   * of arrays (one array of column values per row, in the child's order), or `null` for a `one`
   * child without a row.
   */
  readonly json: string;
  /** The rows from that JSON value (already parsed), equal to what byCustomer gives, on the folded columns. */
  fromJson(value: unknown): Row[];
}

// Column types whose JSON value is what the drivers hand to Drizzle (strings, booleans, integers,
// parsed JSON). Any other type travels as its text (`::text`), mapped by the column as Drizzle maps
// the driver's value: a timestamp's JSON spelling differs from its text (Drizzle turns the
// drivers' date parsing off, so they hand over the text), and a float's JSON cannot say NaN or
// Infinity (it gives a string, where the drivers give the number).
const AS_JSON = new Set([
  "PgText",
  "PgVarchar",
  "PgChar",
  "PgUUID",
  "PgEnumColumn",
  "PgBoolean",
  "PgInteger",
  "PgSmallInt",
  "PgJson",
  "PgJsonb",
]);

function valueSql(column: PgColumn): string {
  const ref = `t."${column.name}"`;
  if (column.columnType === "PgArray") {
    const base = (column as PgColumn & { baseColumn: PgColumn }).baseColumn;
    if (!AS_JSON.has(base.columnType)) throw new Error(`childRows: an array of ${base.columnType} (${column.name}) is not supported`);
    return ref;
  }
  return AS_JSON.has(column.columnType) ? ref : `${ref}::text`;
}

/** A customer's rows in `table` (selected `columns`, customers matched on `customerId`, ordered by `orderBy`). */
export function childRows<F extends Record<string, PgColumn>, One extends boolean = false>(
  table: PgTable,
  options: { columns: F; customerId: PgColumn; orderBy?: readonly ChildOrder[]; one?: One },
): ChildRows<InferColumnsDataTypes<F>, One> {
  type Row = InferColumnsDataTypes<F>;
  const { columns, customerId, orderBy = [] } = options;
  const one = (options.one ?? false) as One;
  const keys = Object.keys(columns);
  const customerIdKey = keys.find((key) => columns[key] === customerId);
  if (customerIdKey === undefined) throw new Error(`childRows: ${getTableName(table)} selects no customer id column`);
  const order = orderBy.map((o) => `t."${o.column.name}"${o.descending ? " desc" : ""}`).join(", ");
  const from = `from "${getTableName(table)}" t where t."${customerId.name}" = "customers".id`;

  const makeFold = (chosen: readonly string[]): Fold<Row> => {
    const decoders = chosen.map((key) => columns[key]!);
    const values = `json_build_array(${decoders.map(valueSql).join(", ")})`;
    const json = one
      ? `(select ${values} ${from})`
      : `(select coalesce(json_agg(${values}${order ? ` order by ${order}` : ""}), '[]') ${from})`;
    const decode = (cells: unknown[]): Row => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < chosen.length; i++) {
        const cell = cells[i];
        row[chosen[i]!] = cell === null ? null : decoders[i]!.mapFromDriverValue(cell);
      }
      return row as Row;
    };
    return { json, fromJson: (value) => (value === null ? [] : one ? [decode(value as unknown[])] : (value as unknown[][]).map(decode)) };
  };

  return {
    one,
    keys,
    byCustomer: (db, customerIds) => {
      const query = db.select(columns).from(table).where(anyOf(customerId, customerIds));
      return (
        orderBy.length > 0 ? query.orderBy(...orderBy.map((o) => (o.descending ? desc(o.column) : asc(o.column)))) : query
      ) as Promise<Row[]>;
    },
    fold: (wanted) => makeFold(wanted === undefined ? keys : keys.filter((key) => key === customerIdKey || wanted.includes(key))),
  };
}
