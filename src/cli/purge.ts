/**
 * Applies the retention schedule: `tsx src/cli/purge.ts [--dry-run] [--now ISO-DATE]`
 *
 * The database comes from the environment, as for the server: `DATABASE_URL` (a PostgreSQL
 * server) or else PGlite on disk at `DATA_DIR` (default `.data/pglite`). Migrations run first.
 * Prints what was (or, with `--dry-run`, would be) deleted and anonymised per table: counts only.
 * `--now` runs the schedule as of another day (to preview a future run). Exit codes: 0 done,
 * 1 failed, 2 bad arguments.
 */
import { createDatabase, type DatabaseHandle } from "../db/client.js";
import { personalColumns } from "../datamap/columns.js";
import { getDataMap } from "../enforcement/dataMap.js";
import { buildGatewaySchema } from "../graphql/buildGatewaySchema.js";
import { formatPurgeReport } from "../retention/format.js";
import { purge } from "../retention/purge.js";

const USAGE = "usage: tsx src/cli/purge.ts [--dry-run] [--now YYYY-MM-DD]";

interface Flags { dryRun: boolean; now: Date; help: boolean }

function parseFlags(argv: readonly string[]): Flags | string {
  const flags: Flags = { dryRun: false, now: new Date(), help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--dry-run") flags.dryRun = true;
    else if (arg === "--help" || arg === "-h") flags.help = true;
    else if (arg === "--now" || arg.startsWith("--now=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (!value || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(value) || Number.isNaN(Date.parse(value))) {
        return `--now needs a date such as 2026-11-01, got '${value ?? ""}'`;
      }
      flags.now = new Date(value);
    } else return `unknown argument '${arg}'`;
  }
  return flags;
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

/** One line: Drizzle's "Failed query" errors carry the statement and its parameters. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const head = (error.message.split("\n")[0] ?? "").slice(0, 160);
  const cause = error.cause instanceof Error ? error.cause.message.split("\n")[0] : undefined;
  return cause ? `${head} (${cause})` : head;
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  if (typeof flags === "string") {
    process.stderr.write(`purge: ${flags} (${USAGE})\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const url = process.env.DATABASE_URL || undefined;
  const dataDir = process.env.DATA_DIR || ".data/pglite";
  let handle: DatabaseHandle | undefined;
  try {
    const columns = personalColumns(getDataMap(await buildGatewaySchema()));
    handle = await createDatabase(url ? { url } : { dataDir });
    await handle.migrate();
    const report = await purge(handle.db, { now: flags.now, columns, dryRun: flags.dryRun });
    process.stdout.write(`${describeTarget(url, dataDir)}\n${formatPurgeReport(report)}`);
    return 0;
  } catch (error) {
    process.stderr.write(`purge: ${describeError(error)}\n`);
    return 1;
  } finally {
    await handle?.close();
  }
}

process.exitCode = await main();
