/**
 * A PostgreSQL server of a test's own, which the test can stop and start again (fault tests):
 * bench/postgres.ts's throwaway server (Debian's package, `initdb` as the `postgres` user, its
 * own port, loopback only, trust authentication), quiet. `.ci/run` installs the binaries before
 * both test runs; where they are missing the fault suites skip with `POSTGRES_MISSING` as reason.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { startPostgres, type PostgresServer } from "../../bench/postgres.js";

export type { PostgresServer };

const ROOT = "/usr/lib/postgresql";

/** Why a PostgreSQL server cannot be started here, or null when it can. */
export const POSTGRES_MISSING: string | null =
  existsSync(ROOT) && readdirSync(ROOT).some((v) => existsSync(join(ROOT, v, "bin", "initdb")))
    ? null
    : `no PostgreSQL server binaries under ${ROOT}/<version>/bin (apt-get install postgresql; .ci/run does)`;

/** Starts a fresh server on `port` (fault tests own 55520-55529), with extra `settings` if given. */
export function startPostgresServer(port: number, settings?: Record<string, string>): Promise<PostgresServer> {
  return startPostgres({ port, log: () => {}, settings });
}

/** A new, empty database on the server; its URL. */
export async function createServerDatabase(server: PostgresServer, name: string): Promise<string> {
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}
