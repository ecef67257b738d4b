import { getTableColumns, getTableName, SQL, StringChunk } from "drizzle-orm";
import { getTableConfig, type PgColumn, type PgTable } from "drizzle-orm/pg-core";
import { arrayLiteral } from "./arrayLiteral.js";
import type { Database } from "./client.js";

/**
 * One multi-row INSERT through `unnest` of one array literal per column: a handful of parameters
 * instead of rows x columns (describing and binding a thousand parameters costs more than the
 * insert itself, on PostgreSQL and on PGlite). Values pass through the columns' own driver
 * mapping; a column holding an array travels as the text of its literal and is cast back. A
 * column whose values repeat (the same coordinates on most rows of a page) travels as its
 * distinct values once plus one index per row, and a column with one value for every row (a
 * request's id, caller, purpose and time) as one scalar: a page's disclosure records do not send
 * the same values a hundred times, nor make PostgreSQL unnest and subscript them row by row.
 * Every column of the table must be given in every row (undefined is a programming error), so a
 * column default applies only where the caller leaves the column out of `columns`.
 */
export async function insertRows<T extends PgTable>(
  db: Database,
  table: T,
  rows: ReadonlyArray<T["$inferInsert"]>,
  columns?: ReadonlyArray<keyof T["$inferInsert"] & string>,
): Promise<void> {
  if (rows.length > 0) await db.execute(insertRowsStatement(table, rows, columns));
}

/** insertRows' statement, to compose (`on conflict`, a `with` clause); `rows` must not be empty. */
export function insertRowsStatement<T extends PgTable>(
  table: T,
  rows: ReadonlyArray<T["$inferInsert"]>,
  columns?: ReadonlyArray<keyof T["$inferInsert"] & string>,
): SQL {
  if (rows.length === 0) throw new Error(`insertRows: no rows for ${getTableName(table)}`);
  const { name: tableName, columns: allEntries } = tableOf(table);
  const entries = columns === undefined ? allEntries : allEntries.filter(([key]) => columns.includes(key as never));
  // The statement as one flat list of text and parameters: Drizzle renders it in one pass, where
  // nested fragments cost it a walk per fragment on every request (measured: about 100 µs for a
  // one-row disclosure record, against about 20). Parameters are literals, each typed by the cast
  // that follows it as its column (or an array of it), never cast from text: PostgreSQL then reads
  // a literal once, when it binds it, where a cast from text is a stable function call that runs
  // for every row (a batch of 300 records took about 8 times as long as one of 100). A null
  // literal is written as SQL `null`, no parameter.
  type Part = [literal: string | null, cast: string];
  const unnested: Part[] = []; // one array per row-varying column, unnested as u(c<i>, ...)
  const unnestedNames: string[] = [];
  const oneRow: Part[] = []; // distinct values and single values, in the one-row subquery d
  const selected: string[] = [];
  entries.forEach(([key, column], i) => {
    const type = column.getSQLType();
    const isArray = type.endsWith("]");
    // A value the row before held too (a request's time, caller, purpose) is mapped once.
    let previous: unknown;
    let previousItem: string | null = null;
    const items = rows.map((row) => {
      const value = (row as Record<string, unknown>)[key];
      if (value === undefined) throw new Error(`insertRows: ${tableName}.${column.name} missing`);
      if (value === null) return null;
      if (value === previous) return previousItem;
      previous = value;
      return (previousItem = driverText(column, type, value));
    });
    const elementType = isArray ? "text" : type;
    const positions = new Map<string | null, number>();
    for (const item of items) if (!positions.has(item)) positions.set(item, positions.size + 1);
    // The last column carries the row count when every other one holds a single value.
    const carriesRows = i === entries.length - 1 && unnested.length === 0 && items.length > 1;
    if (positions.size === 1 && !carriesRows) {
      // One value for every row (a request's id, caller, purpose, time): a scalar, cast once
      // rather than an element and a subscript per row.
      oneRow.push([items[0]!, `::${type} as d${i}`]);
      selected.push(`d${i}`);
    } else if (positions.size * 2 <= items.length) {
      oneRow.push([arrayLiteral([...positions.keys()]), `::${elementType}[] as d${i}`]);
      unnested.push([`{${items.map((item) => positions.get(item)).join(",")}}`, "::int[]"]);
      unnestedNames.push(`c${i}`);
      selected.push(isArray ? `d${i}[c${i}]::${type}` : `d${i}[c${i}]`);
    } else {
      unnested.push([arrayLiteral(items), `::${elementType}[]`]);
      unnestedNames.push(`c${i}`);
      selected.push(isArray ? `c${i}::${type}` : `c${i}`);
    }
  });
  const names = entries.map(([, column]) => `"${column.name}"`).join(", ");
  const chunks: (StringChunk | string)[] = [];
  let text = `insert into ${tableName} (${names}) select ${selected.join(", ")} from `;
  const params = (list: Part[]) =>
    list.forEach(([literal, cast], i) => {
      const before = i > 0 ? `${text}, ` : text;
      if (literal === null) {
        text = `${before}null${cast}`;
      } else {
        chunks.push(new StringChunk(before), literal);
        text = cast;
      }
    });
  if (unnested.length > 0) {
    text += "unnest(";
    params(unnested);
    text += `) as u(${unnestedNames.join(", ")})`;
  }
  if (oneRow.length > 0) {
    text += `${unnested.length > 0 ? ", " : ""}(select `;
    params(oneRow);
    text += ") as d";
  }
  chunks.push(new StringChunk(text));
  return new SQL(chunks);
}

/** A value as the text its column's driver mapping gives (an array as its literal). */
function driverText(column: PgColumn, type: string, value: unknown): string {
  // A text array needs no element mapping: its literal is built here, elements bare where they can be.
  if (type === "text[]" && Array.isArray(value)) return arrayLiteral(value as (string | null)[]);
  const driverValue = column.mapToDriverValue(value);
  if (typeof driverValue === "string") return driverValue; // an array column's mapping gives its literal
  if (Array.isArray(driverValue)) return arrayLiteral(driverValue.map((v) => (v === null ? null : String(v))));
  return String(driverValue);
}

type ColumnEntry = [key: string, column: PgColumn];
const tables = new WeakMap<PgTable, { name: string; columns: ColumnEntry[] }>();

/**
 * A table's quoted name (with its schema) and columns, read once: `getTableConfig` builds the
 * whole config, indexes included, on every call (about 0.1 ms an insert, measured in a profile).
 */
function tableOf(table: PgTable): { name: string; columns: ColumnEntry[] } {
  let found = tables.get(table);
  if (found === undefined) {
    const { schema } = getTableConfig(table);
    found = { name: `${schema ? `"${schema}".` : ""}"${getTableName(table)}"`, columns: Object.entries(getTableColumns(table)) };
    tables.set(table, found);
  }
  return found;
}
