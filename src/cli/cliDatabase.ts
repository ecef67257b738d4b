/** What the command-line tools share: which database the environment names, opening it, and one-line errors. */
import { createDatabase, type DatabaseHandle } from "../db/client.js";

export interface CliDatabase {
  /** postgres:// URL of a server, or undefined for embedded PGlite. */
  url: string | undefined;
  dataDir: string;
  /** Where the data is, for a message, without credentials. */
  target: string;
}

/** The database from DATABASE_URL, else PGlite at DATA_DIR (default .data/pglite), as the server reads them. */
export function cliDatabase(env: NodeJS.ProcessEnv = process.env): CliDatabase {
  const url = env.DATABASE_URL || undefined;
  const dataDir = env.DATA_DIR || ".data/pglite";
  return { url, dataDir, target: describeTarget(url, dataDir) };
}

/**
 * Opens the database the environment names. An embedded one only when no other process owns it
 * (a running server, another command): EmbeddedDatabaseInUse otherwise, naming the owner; held by
 * `command` until close() or exit.
 */
export function openCliDatabase(command: string, env: NodeJS.ProcessEnv = process.env): Promise<DatabaseHandle> {
  const { url, dataDir } = cliDatabase(env);
  return createDatabase(url ? { url } : { dataDir, owner: command });
}

function describeTarget(url: string | undefined, dataDir: string): string {
  if (!url) return `PGlite at ${dataDir}`;
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "PostgreSQL (DATABASE_URL)";
  }
}

/**
 * One line: Drizzle's "Failed query" errors carry the whole statement and its parameters (values,
 * possibly personal), so keep the first line and the driver's cause.
 */
export function describeCliError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const head = (error.message.split("\n")[0] ?? "").slice(0, 160);
  const cause = error.cause instanceof Error ? error.cause.message.split("\n")[0] : undefined;
  return cause ? `${head} (${cause})` : head;
}
