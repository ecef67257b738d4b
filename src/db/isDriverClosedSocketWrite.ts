/**
 * postgres.js 3.4 (through 3.4.10, the newest 3.x) defers small writes to a `setImmediate`; when
 * the connection closes before it runs, it writes to a null socket and throws where no caller can
 * catch it (porsager/postgres#1154, #1208; fixes proposed upstream, not released). Uncaught, that
 * ends the process on an ordinary database outage. The query it belonged to has already been
 * rejected (CONNECTION_CLOSED) and answered 503, and the pool replaces the connection, so the
 * process entry (src/server/main.ts) keeps running on exactly this error, recognised by its type,
 * message and the driver's frame; any other uncaught exception still ends the process.
 */
export function isDriverClosedSocketWrite(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    error.message === "Cannot read properties of null (reading 'write')" &&
    /\bnextWrite\b[^\n]*[\\/]postgres[\\/]src[\\/]connection\.js/.test(error.stack ?? "")
  );
}
