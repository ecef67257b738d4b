import "reflect-metadata";
import { createDatabase, isEmpty, type DatabaseHandle } from "../db/client.js";
import { seed } from "../db/seed/seed.js";
import { createEnforcedGateway } from "./createEnforcedGateway.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createLogger, type Logger } from "./logger.js";

/** `npm start`: validate config, open and migrate the database, seed demo data if empty, serve. */
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
  const database = await openDatabase(config, logger);
  if (config.seedDemoData && (await isEmpty(database.db))) {
    const summary = await seed(database.db, {});
    logger.info({ rows: summary.rows }, `the embedded database was empty: seeded demo data (${summary.rows.customers} customers)`);
  }
  const gateway = await createEnforcedGateway({ config, database, logger });
  const url = await gateway.listen();
  logger.info({ url, database: database.driver }, `gateway listening on ${url}; mint a token with: npm run token -- --role support_agent`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: no new connections, finishing requests in flight");
    const force = setTimeout(() => { logger.error("requests did not finish in 10 s; exiting"); process.exit(1); }, 10_000);
    force.unref();
    await gateway.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/** Opens and migrates the database, retrying with backoff while it is unreachable. */
async function openDatabase(config: Config, logger: Logger): Promise<DatabaseHandle> {
  const options = config.databaseUrl ? { url: config.databaseUrl, poolSize: config.databasePoolSize } : { dataDir: config.dataDir };
  for (let attempt = 1, delay = 500; ; attempt++, delay = Math.min(delay * 2, 10_000)) {
    let database: DatabaseHandle | undefined;
    try {
      database = await createDatabase(options);
      await database.migrate();
      return database;
    } catch (error) {
      await database?.close().catch(() => {});
      const code = (error as { code?: unknown }).code;
      logger.error({ attempt, code: typeof code === "string" ? code : undefined }, `database not reachable or migration failed; retrying in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

await main();
