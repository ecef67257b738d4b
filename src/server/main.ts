import "reflect-metadata";
import type { AddressInfo } from "node:net";
import { personalColumns } from "../datamap/columns.js";
import { createDatabase, isEmpty, type DatabaseHandle } from "../db/client.js";
import { describeOwner, EmbeddedDatabaseInUse } from "../db/embeddedDatabaseLock.js";
import { databaseErrorCode } from "../db/isDatabaseUnavailable.js";
import { ensureDisclosurePartitions } from "../db/ensureDisclosurePartitions.js";
import { isDriverClosedSocketWrite } from "../db/isDriverClosedSocketWrite.js";
import { seed } from "../db/seed/seed.js";
import { getDataMap } from "../enforcement/dataMap.js";
import { buildGatewaySchema } from "../graphql/buildGatewaySchema.js";
import { createEnforcedGateway } from "./createEnforcedGateway.js";
import { describeError, type Gateway } from "./createGateway.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { PolicyFileInvalid } from "./policyInForce.js";
import { startPurgeSchedule } from "./startPurgeSchedule.js";

/**
 * `npm start`: validate config, open and migrate the database (retrying while it is unreachable;
 * an embedded one owned by another process refuses at once), seed demo data if empty, serve, and
 * run the retention purge on its schedule. An invalid policy file (POLICY_FILE) stops it (exit 1,
 * each error with its line); SIGHUP reloads the file. SIGTERM or SIGINT: stop accepting connections, let
 * requests in flight and a purge under way finish, close the database, exit 0; whatever is left
 * at SHUTDOWN_TIMEOUT_MS (a request, a close that hangs) is cut and the process exits 1.
 */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger();
  if (config.jwt.kind === "secret" && config.jwt.isDevelopmentDefault) {
    logger.warn("JWT_SECRET is not set: using the published development secret (refused when NODE_ENV=production)");
  }
  // Until the gateway serves, a signal has nothing in flight to wait for.
  let stop = (signal: string): void => {
    logger.info({ signal }, "stopping before the gateway started serving");
    process.exit(0);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("uncaughtException", (error) => {
    if (isDriverClosedSocketWrite(error)) {
      logger.warn(
        { code: "DRIVER_CLOSED_SOCKET_WRITE" },
        "database driver wrote to a closed connection (postgres.js #1154); the connection is replaced, the gateway goes on",
      );
      return;
    }
    logger.fatal({ err: describeError(error) }, "uncaught exception; exiting");
    process.exit(1);
  });

  const database = await openDatabase(config, logger);
  if (config.seedDemoData && (await isEmpty(database.db))) {
    const summary = await seed(database.db, {});
    logger.info({ rows: summary.rows }, `the embedded database was empty: seeded demo data (${summary.rows.customers} customers)`);
  }
  let gateway: Gateway;
  try {
    gateway = await createEnforcedGateway({ config, database, logger });
  } catch (error) {
    if (!(error instanceof PolicyFileInvalid)) throw error;
    // Each error with its line and column: what to fix, never a secret (the file holds none).
    logger.fatal({ file: error.file, errors: error.errors }, "the policy file is invalid; not starting");
    await database.close();
    process.exit(1);
  }
  // SIGHUP: re-read the policy file; a file that does not load is refused (logged) and the policy in force stays.
  process.on("SIGHUP", () => {
    gateway.policy
      .reload("SIGHUP")
      .catch((error: unknown) => logger.error({ err: describeError(error) }, "policy reload failed; the policy in force stays"));
  });
  // The disclosure log's coming months, checked daily; a failure is logged and retried the next day
  // (records still land in the default partition meanwhile).
  setInterval(() => {
    ensureDisclosurePartitions(database.db).catch((error: unknown) =>
      logger.error({ code: databaseErrorCode(error) }, "creating the disclosure log's monthly partitions failed; retrying tomorrow"),
    );
  }, DAY_MS).unref();
  const purgeColumns = personalColumns(getDataMap(await buildGatewaySchema()));
  const url = await gateway.listen();
  // Whoever the embedded database refuses is told where the API is.
  database.lock?.setPort((gateway.server.address() as AddressInfo).port);
  logger.info({ url, database: database.driver }, `gateway listening on ${url}; mint a token with: npm run token -- --role support_agent`);
  const purgeSchedule =
    config.purgeIntervalMs === null
      ? null
      : startPurgeSchedule({
          db: database.db,
          columns: purgeColumns,
          intervalMs: config.purgeIntervalMs,
          logger,
          policy: gateway.policy.current,
        });

  let stopping = false;
  stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const timeoutMs = config.shutdownTimeoutMs;
    // close() shuts the listening socket synchronously: only then say so, so that anyone who reads
    // this line (an orchestrator, a test) finds new connections already refused.
    const closed = gateway.close();
    logger.info({ signal, timeoutMs }, "stopping: no new connections; finishing requests in flight");
    let waitingFor: "requests" | "database" = "requests";
    // The watchdog: nothing (a request, a purge, a database whose close hangs) holds the process
    // past the timeout. Not unref'd: a close that hangs on a promise alone must still end in exit 1.
    setTimeout(() => {
      logger.error(
        { timeoutMs, waitingFor },
        waitingFor === "requests"
          ? `requests in flight did not finish within ${timeoutMs} ms; cutting their connections and exiting`
          : `closing the database did not finish within ${timeoutMs} ms; exiting without it`,
      );
      process.exit(1);
    }, timeoutMs);
    void (async () => {
      await closed;
      waitingFor = "database";
      await purgeSchedule?.stop();
      await database.close().catch((error: unknown) => logger.error({ code: databaseErrorCode(error) }, "closing the database failed"));
      logger.info({ signal }, "stopped");
      process.exit(0);
    })();
  };
}

/** Where the database is, for log lines: host, port and database name, never the user or password. */
function databaseTarget(config: Config): string {
  if (!config.databaseUrl) return `embedded PGlite in ${config.dataDir}`;
  try {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return "PostgreSQL (unparseable DATABASE_URL)";
  }
}

/** What a driver error code means for someone starting the server. */
function startupProblem(code: string | undefined): string {
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused: is the server running and listening there?";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    case "ETIMEDOUT":
    case "CONNECT_TIMEOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "no answer from the host (timed out or unreachable)";
    case "CONNECTION_CLOSED":
    case "CONNECTION_DESTROYED":
    case "ECONNRESET":
      return "the connection was closed by the server";
    case "57P03":
      return "the server is starting up";
    case "53300":
      return "the server has no connection slots left";
    case "28P01":
      return "password authentication failed (check DATABASE_URL's user and password)";
    case "28000":
      return "the server rejected the connection (pg_hba.conf or user)";
    case "3D000":
      return "the database does not exist";
    case undefined:
      return "opening or migrating the database failed";
    default:
      return `opening or migrating the database failed (${code})`;
  }
}

const MAX_RETRY_DELAY_MS = 5_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Opens and migrates the database, retrying for as long as it takes, with backoff up to 5 s: one
 * log line per failed attempt saying where and what went wrong (a driver code, never the URL's
 * credentials or a statement's parameters). An embedded database is not retried: nothing on the
 * network can come back, so a directory that does not open (damaged, or another version's) ends
 * the process at once, with the error's kind and what to do.
 */
async function openDatabase(config: Config, logger: Logger): Promise<DatabaseHandle> {
  const options = config.databaseUrl
    ? { url: config.databaseUrl, poolSize: config.databasePoolSize, preparedStatements: config.databasePreparedStatements }
    : { dataDir: config.dataDir, owner: "gateway server" };
  const target = databaseTarget(config);
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
    let database: DatabaseHandle | undefined;
    try {
      database = await createDatabase(options);
      await database.migrate();
      await ensureDisclosurePartitions(database.db);
      if (attempt > 1) logger.info({ attempt }, `${target}: connected and migrated`);
      const previous = database.lock?.tookOverFrom;
      if (previous)
        logger.warn(
          { pid: previous.pid, port: previous.port },
          `${target}: took over the lock of ${describeOwner(previous)}, which no longer runs`,
        );
      return database;
    } catch (error) {
      if (error instanceof EmbeddedDatabaseInUse) {
        // Waiting would not help, and opening it anyway would corrupt it: refuse at once.
        logger.fatal({ code: error.code, pid: error.owner?.pid, port: error.owner?.port }, `not starting: ${error.message}`);
        process.exit(1);
      }
      await database?.close().catch(() => {});
      const code = databaseErrorCode(error);
      if (!config.databaseUrl) {
        const kind = error instanceof Error ? error.name : typeof error;
        logger.fatal(
          { code, error: kind },
          `not starting: ${target}: ${startupProblem(code)} (${kind}); waiting would not help. ` +
            "If the directory was opened by two processes or copied while in use, restore it from a backup or move it aside (a new one is created and seeded).",
        );
        process.exit(1);
      }
      logger.error(
        { attempt, code, retryInMs: delay },
        `database not ready: ${target}: ${startupProblem(code)}; attempt ${attempt}, retrying in ${delay} ms`,
      );
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

await main();
