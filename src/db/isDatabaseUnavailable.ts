/**
 * Driver error codes that mean "the database cannot be reached right now", not "this statement is
 * wrong": the socket's (refused, reset, timed out, name lookup), postgres.js's own connection
 * codes, and PostgreSQL's SQLSTATE class 08 (connection exception), 57P01-57P03 (the server is
 * shutting down, crashed or still starting) and 53300 (too many connections).
 */
const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/**
 * The driver's error code under an error (Drizzle wraps the driver's error as `cause`; a failed
 * connection to a host with several addresses is an AggregateError), or undefined.
 */
export function databaseErrorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.length > 0) return databaseErrorCode(inner[0]);
  }
  return undefined;
}

/** True when the error means the database is unreachable (the request may succeed later), not a bad statement. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = databaseErrorCode(error);
  return code !== undefined && (UNAVAILABLE.has(code) || code.startsWith("08"));
}
