import { sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { arrayLiteral } from "./arrayLiteral.js";

/**
 * `column = any(values)`, the list as one array parameter. Drizzle's `inArray` writes one
 * parameter per value, so every batch length would be a statement text of its own, and with
 * prepared statements (src/db/client.ts) a plan of its own on every connection. Here the text is
 * the same whatever the length. An empty list matches nothing.
 *
 * The parameter is typed as the column's array type, so PostgreSQL reads the literal once, when it
 * binds it. Cast from text instead (`$1::text::uuid[]`), the conversion is a stable function call
 * that is not folded into a constant: in a sequential scan (a table not yet analysed) it ran on
 * every row, a hundred milliseconds for a page's payment methods.
 */
export function anyOf(column: PgColumn, values: readonly string[]): SQL {
  return sql`${column} = any(${arrayLiteral(values)}::${sql.raw(column.getSQLType())}[])`;
}
