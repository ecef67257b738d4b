/**
 * Applies the retention schedule: `tsx src/cli/purge.ts [--dry-run] [--now ISO-DATE]`
 *
 * The database comes from the environment, as for the server: `DATABASE_URL` (a PostgreSQL
 * server, beside running gateways: one purge at a time holds the purge lock) or else PGlite on
 * disk at `DATA_DIR` (default `.data/pglite`), only while no server owns it: a running server
 * purges on its own schedule, and on demand through its API (`runRetentionPurge`), which this
 * command then names. Migrations run first.
 * Prints what was (or, with `--dry-run`, would be) deleted and anonymised per table, and what was
 * dropped of the disclosure log: counts and partition names only (a dry run takes the same locks).
 * `--now` runs the schedule as of another day (to preview a future run). Exit codes: 0 done,
 * 1 failed or refused (or applied, but reclaiming the changed tables' storage failed: the report
 * says so), 2 bad arguments.
 */
import type { DatabaseHandle } from "../db/client.js";
import { EmbeddedDatabaseInUse } from "../db/embeddedDatabaseLock.js";
import { personalCategories, personalColumns } from "../datamap/columns.js";
import { getDataMap } from "../enforcement/dataMap.js";
import { buildGatewaySchema } from "../graphql/buildGatewaySchema.js";
import { formatPurgeReport } from "../retention/format.js";
import { purge } from "../retention/purge.js";
import { policyFile } from "../server/config.js";
import { readPolicyFile } from "../server/policyInForce.js";
import { cliDatabase, describeCliError, openCliDatabase } from "./cliDatabase.js";

const USAGE = "usage: tsx src/cli/purge.ts [--dry-run] [--now YYYY-MM-DD]";

interface Flags {
  dryRun: boolean;
  now: Date;
  help: boolean;
}

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

/** How to run the same purge through the server that owns the database. */
function throughTheApi(port: number, dryRun: boolean): string {
  const body = JSON.stringify({
    query: `mutation { runRetentionPurge(dryRun: ${dryRun}) { id ranAt dryRun tables { table deleted anonymised held } } }`,
  });
  return [
    "purge: that server purges on its own schedule (PURGE_INTERVAL_MS); to run it now, as the privacy office:",
    `  curl -s http://127.0.0.1:${port}/graphql -H 'content-type: application/json' -H 'x-purpose: legal_compliance' \\`,
    `    -H "authorization: Bearer $(npm run --silent token -- --role privacy_officer)" -d '${body}'`,
    "",
  ].join("\n");
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
  const { target } = cliDatabase();
  let handle: DatabaseHandle | undefined;
  try {
    const dataMap = getDataMap(await buildGatewaySchema());
    const columns = personalColumns(dataMap);
    const policy = await readPolicyFile(policyFile(), personalCategories(dataMap));
    handle = await openCliDatabase("npm run purge");
    await handle.migrate();
    const report = await purge(handle.db, { now: flags.now, columns, dryRun: flags.dryRun, policy });
    process.stdout.write(`${target}\n${formatPurgeReport(report)}`);
    // Applied, but what it removed is still in the files: a failure for cron to notice.
    return report.storage?.failure ? 1 : 0;
  } catch (error) {
    process.stderr.write(`purge: ${describeCliError(error)}\n`);
    if (error instanceof EmbeddedDatabaseInUse && error.owner?.port != null)
      process.stderr.write(throughTheApi(error.owner.port, flags.dryRun));
    return 1;
  } finally {
    await handle?.close();
  }
}

process.exitCode = await main();
