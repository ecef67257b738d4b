import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { Logger } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema/index.js";

/** The one database type the rest of the code sees, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseOptions =
  /** A PostgreSQL server through postgres.js. */
  | { url: string; poolSize?: number }
  /** Embedded PGlite: kept in `dataDir`, or in memory when `dataDir` is omitted. */
  | { dataDir?: string };

export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  /** SQL statements issued through Drizzle since start: tests and metrics read it. */
  readonly statements: number;
  /** Applies the committed migrations under drizzle/. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Opens the database: one code path above the driver, chosen by the options alone. */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  let statements = 0;
  // Counts statements only: query text and parameters (which hold personal values) are dropped.
  const logger: Logger = { logQuery: () => void statements++ };

  if ("url" in options) {
    const client = postgres(options.url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      connect_timeout: 5,
    });
    const db = drizzlePostgres(client, { schema, logger });
    return {
      db: db as unknown as Database,
      driver: "postgres",
      get statements() { return statements; },
      migrate: () => migratePostgres(db, { migrationsFolder: MIGRATIONS }),
      ping: async () => { await client`select 1`; },
      close: () => client.end({ timeout: 5 }),
    };
  }

  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir);
  const db = drizzlePglite(client, { schema, logger });
  return {
    db: db as unknown as Database,
    driver: "pglite",
    get statements() { return statements; },
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS }),
    ping: async () => { await client.query("select 1"); },
    close: () => client.close(),
  };
}

/** True when the database holds no customer yet (start-up seeds the demo data then). */
export async function isEmpty(db: Database): Promise<boolean> {
  const rows = await db.select({ id: schema.customers.id }).from(schema.customers).limit(1);
  return rows.length === 0;
}
