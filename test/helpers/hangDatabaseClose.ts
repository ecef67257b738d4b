/**
 * Preloaded into a server process (startGatewayProcess's `preload`) by test/server/shutdown.test.ts:
 * once the process has received SIGTERM, closing the embedded database never finishes and keeps
 * the event loop busy, as a broken database's close did. (Before, closes run as usual: PGlite
 * closes an instance of its own while it creates a database.) The server's code is untouched.
 */
import { PGlite } from "@electric-sql/pglite";

let stopping = false;
process.once("SIGTERM", () => {
  stopping = true;
});
const close = PGlite.prototype.close;
PGlite.prototype.close = function hangsOnceStopping(this: PGlite): Promise<void> {
  if (!stopping) return close.call(this);
  setInterval(() => {}, 1_000);
  return new Promise<void>(() => {});
};
