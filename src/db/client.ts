import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { createTableRelationsHelpers, extractTablesRelationalConfig, type Logger } from "drizzle-orm";
import { PgDatabase, PgDialect, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite, PgliteSession } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres, PostgresJsSession } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { acquireEmbeddedDatabaseLock, type EmbeddedDatabaseLock } from "./embeddedDatabaseLock.js";
import * as schema from "./schema/index.js";

/** The one database type the rest of the code sees, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseOptions =
  /**
   * A PostgreSQL server through postgres.js. `preparedStatements` (default true): see
   * preferPreparedStatements; turn it off behind a pooler that does not keep a session's prepared
   * statements (PgBouncer in transaction mode before 1.21).
   */
  | { url: string; poolSize?: number; preparedStatements?: boolean }
  /**
   * Embedded PGlite: kept in `dataDir`, or in memory when `dataDir` is omitted. A directory is
   * opened only under its lock (embeddedDatabaseLock.ts; EmbeddedDatabaseInUse when another
   * process owns it), held until close() or the process's exit; `owner` names this process in
   * another opener's refusal.
   */
  | { dataDir?: string; owner?: string };

export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  /** The embedded directory's lock while this handle owns it; null for a server or in memory. */
  lock: EmbeddedDatabaseLock | null;
  /** SQL statements issued through Drizzle since start: tests and metrics read it. */
  readonly statements: number;
  /**
   * The same database (same connections) with each statement issued through it also counted in
   * `tally` (one request's statements, for /metrics). Cheap: one small object per call.
   */
  counting(tally: StatementTally): Database;
  /**
   * The same database for small writes that may be lost in a crash (the partner rate limit's
   * counters): a commit through it does not wait for the write-ahead log to reach the disk
   * (`synchronous_commit = off`). PostgreSQL still applies a transaction whole or not at all; a
   * crash loses at most the last few hundred milliseconds of such commits (3 x wal_writer_delay).
   * Why: a counter row that every request of a partner key updates stays locked until its commit
   * returns, so with a flush per commit that key's requests queued one disk flush each. Never for
   * the disclosure log, whose commit an answer waits for. PGlite: the same database.
   */
  unflushed: Database;
  /** Applies the committed migrations under drizzle/. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Closes the connections, then releases the lock (even when closing fails). */
  close(): Promise<void>;
}

/** How the `unflushed` connections name themselves to the server (pg_stat_activity). */
export const UNFLUSHED_APPLICATION_NAME = "privacy-gateway unflushed";

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Somewhere to count one unit of work's statements (a request's: /metrics). */
export interface StatementTally {
  statements: number;
}

// The schema's relational config and the dialect, built once: drizzle() rebuilds them per
// instance, too slow for a view of the database per request.
const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
const relational = { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
const dialect = new PgDialect();

/**
 * Drizzle asks postgres.js for an unnamed statement on every query not built with `.prepare(name)`;
 * postgres.js then describes a statement with parameters before binding it (a second round trip),
 * and PostgreSQL parses and plans it anew every time. Prepared, a statement text is parsed once
 * per connection, then bound and executed in one round trip (measured: PostgreSQL's CPU for a
 * customer's profile halved). The set of texts stays bounded: lists travel as one array parameter
 * (src/db/anyOf.ts). Statements in transactions (`client.begin`) stay unnamed.
 */
function preferPreparedStatements(client: postgres.Sql): void {
  const unsafe = client.unsafe;
  client.unsafe = ((query: string, args?: postgres.ParameterOrJSON<never>[], queryOptions?: postgres.UnsafeQueryOptions) =>
    unsafe(query, args, { ...queryOptions, prepare: true })) as typeof client.unsafe;
}

/** Opens the database: one code path above the driver, chosen by the options alone. */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  let statements = 0;
  // Counts statements only: query text and parameters (which hold personal values) are dropped.
  const logger: Logger = { logQuery: () => void statements++ };
  const countingIn = (tally: StatementTally): Logger => ({
    logQuery: () => {
      statements++;
      tally.statements++;
    },
  });

  if ("url" in options) {
    const client = postgres(options.url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      connect_timeout: 5,
    });
    // Two connections: its writes are one statement each, and those of one counter queue on its row anyway.
    const unflushedClient = postgres(options.url, {
      max: 2,
      onnotice: () => {},
      connect_timeout: 5,
      connection: { synchronous_commit: "off", application_name: UNFLUSHED_APPLICATION_NAME },
    });
    if (options.preparedStatements ?? true) for (const c of [client, unflushedClient]) preferPreparedStatements(c);
    const db = drizzlePostgres(client, { schema, logger });
    return {
      db: db as unknown as Database,
      driver: "postgres",
      lock: null,
      get statements() {
        return statements;
      },
      counting: (tally) =>
        new PgDatabase(dialect, new PostgresJsSession(client, dialect, relational, { logger: countingIn(tally) }), relational) as Database,
      unflushed: drizzlePostgres(unflushedClient, { schema, logger }) as unknown as Database,
      migrate: () => migratePostgres(db, { migrationsFolder: MIGRATIONS }),
      ping: async () => {
        await client`select 1`;
      },
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), unflushedClient.end({ timeout: 5 })]);
      },
    };
  }

  let lock: EmbeddedDatabaseLock | null = null;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    lock = acquireEmbeddedDatabaseLock(options.dataDir, options.owner);
  }
  let client: PGlite;
  try {
    client = await PGlite.create(options.dataDir);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite(client, { schema, logger });
  return {
    db: db as unknown as Database,
    driver: "pglite",
    lock,
    get statements() {
      return statements;
    },
    counting: (tally) =>
      new PgDatabase(dialect, new PgliteSession(client, dialect, relational, { logger: countingIn(tally) }), relational) as Database,
    unflushed: db as unknown as Database,
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS }),
    ping: async () => {
      await client.query("select 1");
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * Which driver a database view (`db`, `counting()`, `unflushed`) runs on, from its Drizzle session.
 * Throws for any other session: maintenance that differs by driver must not guess.
 */
export function driverOf(db: Database): DatabaseHandle["driver"] {
  const session: unknown = db._.session;
  if (session instanceof PgliteSession) return "pglite";
  if (session instanceof PostgresJsSession) return "postgres";
  throw new Error("driverOf: not a database view that createDatabase made");
}

/** True when the database holds no customer yet (start-up seeds the demo data then). */
export async function isEmpty(db: Database): Promise<boolean> {
  const rows = await db.select({ id: schema.customers.id }).from(schema.customers).limit(1);
  return rows.length === 0;
}
