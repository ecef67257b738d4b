import { sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { arrayLiteral } from "./arrayLiteral.js";

/**
 * `column = any(values)`, the list as one array parameter. Drizzle's `inArray` writes one
 * parameter per value, so every batch length would be a statement text of its own, and with
 * prepared statements (src/db/client.ts) a plan of its own on every connection. Here the text is
 * the same whatever the length. An empty list matches nothing.
 */
export function anyOf(column: PgColumn, values: readonly string[]): SQL {
  return sql`${column} = any(${arrayLiteral(values)}::text::${sql.raw(column.getSQLType())}[])`;
}
