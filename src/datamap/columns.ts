/**
 * Every personal column of the database with its category: from PERSONAL_COLUMNS (column ->
 * field coordinate) and the data map (coordinate -> category, mask). The purge and the data map
 * export both start here, so a column's category is never typed twice.
 */
import { getTableColumns, getTableName, isTable } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import * as tables from "../db/schema/index.js";
import type { DataMap } from "../enforcement/dataMap.js";
import { PERSONAL_COLUMNS } from "../enforcement/personalColumns.js";
import { isCategory, type Category } from "../policy/categories.js";
import { DEFAULT_MASK, type MaskKind } from "../policy/masks.js";

export interface PersonalColumn {
  table: string;
  column: string;
  category: Category;
  /** The GraphQL field that exposes it, or null when deliberately unexposed. */
  coordinate: string | null;
  /** Why it has no field (null when it has one). */
  unexposed: string | null;
  /** Why erasure leaves it as it is (null: erasure removes it, or holds it by law). */
  keptOnErasure: string | null;
  /** The field's mask (the category's default for an unexposed column). */
  mask: MaskKind;
  /** SQL type, e.g. `text`, `double precision`, `timestamp with time zone`. */
  sqlType: string;
  notNull: boolean;
}

const DB_COLUMNS: ReadonlyMap<string, ReadonlyMap<string, PgColumn>> = (() => {
  const out = new Map<string, Map<string, PgColumn>>();
  for (const value of Object.values(tables) as unknown[]) {
    if (!isTable(value)) continue;
    out.set(getTableName(value), new Map(Object.values(getTableColumns(value)).map((c) => [c.name, c as PgColumn])));
  }
  return out;
})();

/** The database column `table.column` (its Drizzle definition), or undefined. */
export function dbColumn(table: string, column: string): PgColumn | undefined {
  return DB_COLUMNS.get(table)?.get(column);
}

/**
 * The personal columns, in PERSONAL_COLUMNS order. Throws when a column names a coordinate the
 * data map does not mark, an unexposed column's category is unknown, or a column does not exist: an
 * export or a purge must not run on a partial picture.
 */
export function personalColumns(dataMap: DataMap): PersonalColumn[] {
  const out: PersonalColumn[] = [];
  for (const [table, columns] of Object.entries(PERSONAL_COLUMNS)) {
    for (const [column, exposure] of Object.entries(columns)) {
      const db = dbColumn(table, column);
      if (!db) throw new Error(`personal column ${table}.${column} is not in the database schema`);
      const base = { table, column, sqlType: db.getSQLType(), notNull: db.notNull };
      if ("coordinate" in exposure) {
        const field = dataMap.fields.get(exposure.coordinate);
        if (!field) throw new Error(`personal column ${table}.${column}: ${exposure.coordinate} is not marked @personal`);
        out.push({
          ...base,
          category: field.category,
          coordinate: field.coordinate,
          unexposed: null,
          keptOnErasure: exposure.keptOnErasure ?? null,
          mask: field.mask,
        });
      } else {
        const { category } = exposure;
        if (!isCategory(category)) throw new Error(`unexposed personal column ${table}.${column}: ${category} is no category`);
        out.push({ ...base, category, coordinate: null, unexposed: exposure.unexposed, keptOnErasure: null, mask: DEFAULT_MASK[category] });
      }
    }
  }
  return out;
}

/** Every category of personal data the gateway holds (its `@personal` fields' and its personal columns'): the policy must cover each. */
export function personalCategories(dataMap: DataMap): string[] {
  return [...new Set([...dataMap.categories, ...personalColumns(dataMap).map((c) => c.category)])];
}
