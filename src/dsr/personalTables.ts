import { getTableColumns, getTableName, isTable } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import * as schema from "../db/schema/index.js";
import { PERSONAL_COLUMNS } from "../enforcement/personalColumns.js";
import type { Category } from "../policy/categories.js";

/** A table of the schema by its SQL name, with its columns by SQL name (and Drizzle key). */
export interface TableInfo {
  name: string;
  table: PgTable;
  columns: ReadonlyMap<string, { key: string; column: PgColumn }>;
  /** The subject column, `customer_id`, when the table has one. */
  customerId: PgColumn | null;
  /** The row's own id: `id`, else the subject column (one row per subject). */
  rowId: { key: string; column: PgColumn } | null;
}

function describe(table: PgTable): TableInfo {
  const columns = new Map<string, { key: string; column: PgColumn }>();
  for (const [key, column] of Object.entries(getTableColumns(table))) columns.set(column.name, { key, column: column as PgColumn });
  return {
    name: getTableName(table),
    table,
    columns,
    // A subject's own row (customers) is the subject: its id is the subject column.
    customerId: columns.get("customer_id")?.column ?? (getTableName(table) === "customers" ? (columns.get("id")?.column ?? null) : null),
    rowId: columns.get("id") ?? columns.get("customer_id") ?? null,
  };
}

/** Every table of the schema, by SQL name. */
export const TABLES: ReadonlyMap<string, TableInfo> = new Map(
  (Object.values(schema) as unknown[])
    .filter((v) => isTable(v))
    .map((t) => {
      const info = describe(t as PgTable);
      return [info.name, info] as const;
    }),
);

export function tableInfo(name: string): TableInfo {
  const info = TABLES.get(name);
  if (!info) throw new Error(`no table named ${name} in the schema`);
  return info;
}

/** One personal column: where it lives and how it surfaces (a coordinate, or why none and its category). */
export interface PersonalColumn {
  table: string;
  column: string;
  coordinate: string | null;
  unexposed: { reason: string; category: Category } | null;
}

/** Every personal column of PERSONAL_COLUMNS, in its order. */
export function personalColumns(): PersonalColumn[] {
  return Object.entries(PERSONAL_COLUMNS).flatMap(([table, cols]) =>
    Object.entries(cols).map(([column, exposure]) => ({
      table,
      column,
      coordinate: "coordinate" in exposure ? exposure.coordinate : null,
      unexposed: "unexposed" in exposure ? { reason: exposure.unexposed, category: exposure.category } : null,
    })),
  );
}
