import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/client.js";
import { seed } from "../../src/db/seed/seed.js";
import { bearerFor, postGraphQL, startGatewayProcess, type GatewayProcess } from "../helpers/gatewayProcess.js";
import { createServerDatabase, POSTGRES_MISSING, startPostgresServer, type PostgresServer } from "../helpers/postgresServer.js";
import { LOCK_FILE } from "../../src/db/embeddedDatabaseLock.js";

/**
 * SIGTERM on the real server process: it stops accepting connections at once, lets a request in
 * flight finish (held in flight deterministically: the test locks the disclosure log, which the
 * request must write before it answers), closes the pool and exits 0; past SHUTDOWN_TIMEOUT_MS it
 * cuts what is left and exits 1.
 */

const PORT = 55521;
const PAGE = `query Page @purpose(name: CUSTOMER_SUPPORT) { customers(first: 5) { edges { node { id profile { fullName email } } } } }`;

describe.skipIf(POSTGRES_MISSING !== null)(`shutdown${POSTGRES_MISSING ? ` (skipped: ${POSTGRES_MISSING})` : ""}`, () => {
  let server: PostgresServer;
  let databaseUrl: string;
  let admin: postgres.Sql;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    server = await startPostgresServer(PORT);
    databaseUrl = await createServerDatabase(server, "shutdown");
    const database = await createDatabase({ url: databaseUrl, poolSize: 2 });
    await database.migrate();
    await seed(database.db, { customers: 12, seed: 5 });
    await database.close();
    admin = postgres(databaseUrl, { max: 2, onnotice: () => {}, connection: { application_name: "shutdown-test" } });
  });
  afterEach(async () => {
    await gateway?.kill();
  });
  afterAll(async () => {
    await admin?.end({ timeout: 1 }).catch(() => {});
    await server?.stop();
  });

  /** Locks the disclosure log until `release()`: a page read stays in flight until then. */
  async function holdDisclosureLog(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await new Promise<void>((resolve, reject) => {
      admin
        .begin(async (tx) => {
          await tx`lock table disclosure_events in access exclusive mode`;
          resolve();
          await held;
        })
        .catch(reject);
    });
    return release;
  }

  async function waitForWriteToWait() {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const rows = await admin`select query from pg_stat_activity where datname = 'shutdown' and wait_event_type = 'Lock'`;
      if (rows.some((r) => /insert into "disclosure_events"/i.test(String(r.query)))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the request never reached its disclosure-log write");
  }

  /** Whether a new TCP connection to the gateway's port is refused. */
  function refused(url: string): Promise<boolean> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve) => {
      const socket = connect(Number(port), hostname);
      socket.once("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
    });
  }

  it("stops accepting at once, finishes the request in flight with 200, closes the pool and exits 0", async () => {
    gateway = startGatewayProcess({ DATABASE_URL: databaseUrl, SHUTDOWN_TIMEOUT_MS: "60000" });
    const url = await gateway.listening();
    const release = await holdDisclosureLog();
    let answered = false;
    const inFlight = postGraphQL(url, { query: PAGE }, await bearerFor("support_agent")).finally(() => {
      answered = true;
    });
    try {
      await waitForWriteToWait();
      gateway.child.kill("SIGTERM");
      await gateway.waitForLog((l) => /^stopping/.test(l.msg));
      expect(await refused(url)).toBe(true);
      expect(answered).toBe(false);
      expect(gateway.child.exitCode).toBeNull();
    } finally {
      release();
    }
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.data.customers.edges).toHaveLength(5);
    expect(await gateway.exited).toBe(0);
    const messages = gateway.logs().map((l) => l.msg);
    expect(messages.indexOf("stopped")).toBeGreaterThan(messages.findIndex((m) => /^stopping/.test(m)));
    // The pool is closed: no connection of the gateway's is left on the server.
    const left =
      await admin`select count(*)::int as n from pg_stat_activity where datname = 'shutdown' and application_name <> 'shutdown-test'`;
    expect(Number(left[0]!.n)).toBe(0);
  });

  // With nothing in flight the server closes at once, so the gateway reaches Apollo's stop() while
  // Apollo could still be stopping on the same signal by a handler of its own, and a second stop()
  // of @apollo/server 5.5 waits forever: the gateway owns the signals (stopOnTerminationSignals off).
  it("exits 0 at once on SIGTERM when nothing is in flight", async () => {
    gateway = startGatewayProcess({ DATABASE_URL: databaseUrl, SHUTDOWN_TIMEOUT_MS: "60000" });
    const url = await gateway.listening();
    expect((await postGraphQL(url, { query: PAGE }, await bearerFor("support_agent"))).status).toBe(200);
    const signalled = Date.now();
    gateway.child.kill("SIGTERM");
    const within15s = new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 15_000).unref());
    expect(await Promise.race([gateway.exited, within15s])).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(gateway.logs().some((l) => l.msg === "stopped")).toBe(true);
  });

  it("past SHUTDOWN_TIMEOUT_MS cuts the requests still in flight and exits 1", async () => {
    gateway = startGatewayProcess({ DATABASE_URL: databaseUrl, SHUTDOWN_TIMEOUT_MS: "1000" });
    const url = await gateway.listening();
    const release = await holdDisclosureLog();
    try {
      const inFlight = postGraphQL(url, { query: PAGE }, await bearerFor("support_agent")).then(
        () => "answered",
        () => "cut",
      );
      await waitForWriteToWait();
      const signalled = Date.now();
      gateway.child.kill("SIGTERM");
      expect(await inFlight).toBe("cut");
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(900);
      expect(await gateway.exited).toBe(1);
      expect(gateway.logs().some((l) => /did not finish within 1000 ms/.test(l.msg))).toBe(true);
    } finally {
      release();
    }
  });
});

describe("shutdown with a database whose close hangs", () => {
  let gateway: GatewayProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await gateway?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // The seam: test/helpers/hangDatabaseClose.ts, preloaded, makes PGlite's close never finish and
  // keeps the event loop busy, as a broken embedded database did (it then ignored SIGTERM for good).
  it("exits 1 at SHUTDOWN_TIMEOUT_MS with a log line saying so, and leaves the database unlocked", async () => {
    dir = mkdtempSync(join(tmpdir(), "gw-hang-"));
    gateway = startGatewayProcess(
      { DATA_DIR: dir, SEED_DEMO_DATA: "false", PURGE: "off", SHUTDOWN_TIMEOUT_MS: "1500" },
      { preload: ["test/helpers/hangDatabaseClose.ts"] },
    );
    await gateway.listening();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    const signalled = Date.now();
    gateway.child.kill("SIGTERM");
    const within10s = new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 10_000).unref());
    expect(await Promise.race([gateway.exited, within10s])).toBe(1);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1_400);
    expect(gateway.logs().find((l) => /closing the database did not finish within 1500 ms/.test(l.msg))).toMatchObject({
      level: 50,
      waitingFor: "database",
    });
    expect(gateway.logs().some((l) => l.msg === "stopped")).toBe(false);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
