/** Text PostgreSQL reads back unchanged as an unquoted array element (and that is not NULL). */
const BARE = /^[A-Za-z0-9_.:-]+$/;
const NEEDS_ESCAPE = /[\\"]/;

/**
 * An element of a PostgreSQL array literal: bare when that is unambiguous (a field coordinate, a
 * uuid: nothing to escape, and less for PostgreSQL to parse), else quoted with backslashes and
 * quotes escaped.
 */
function element(text: string): string {
  if (BARE.test(text) && !/^null$/i.test(text)) return text;
  return NEEDS_ESCAPE.test(text) ? `"${text.replace(/[\\"]/g, "\\$&")}"` : `"${text}"`;
}

/** A one-dimensional PostgreSQL array literal; null elements as NULL. */
export function arrayLiteral(items: ReadonlyArray<string | null>): string {
  return `{${items.map((item) => (item === null ? "NULL" : element(item))).join(",")}}`;
}
