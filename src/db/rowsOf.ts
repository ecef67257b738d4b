/** Rows of a raw `db.execute`, whichever driver (PGlite returns `{ rows }`, postgres.js an array). */
export function rowsOf<T>(result: unknown): T[] {
  const r = result as T[] | { rows: T[] };
  return Array.isArray(r) ? r : r.rows;
}
