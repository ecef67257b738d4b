/**
 * Seeds the demo data set: `tsx src/cli/seed.ts [--customers N] [--seed S] [--visits N] [--canaries] [--reset]`
 *
 * The database comes from the environment, as for the server: `DATABASE_URL` (a PostgreSQL
 * server) or else PGlite on disk at `DATA_DIR` (default `.data/pglite`), which it refuses to open
 * while another process (a running server) owns it. Migrations run first. A database that already holds rows is left alone unless `--reset`, which empties every table.
 * Exit codes: 0 done, 1 refused or failed, 2 bad arguments.
 */
import { performance } from "node:perf_hooks";
import type { DatabaseHandle } from "../db/client.js";
import { rowCounts, SEED_DEFAULTS, seed, truncateAll } from "../db/seed/seed.js";
import { cliDatabase, describeCliError, openCliDatabase } from "./cliDatabase.js";

const USAGE = "usage: tsx src/cli/seed.ts [--customers N] [--seed S] [--visits N] [--canaries] [--reset]";

interface Flags {
  customers: number;
  seed: number;
  visitsPerCustomer: number | undefined;
  canaries: boolean;
  reset: boolean;
  help: boolean;
}

const NUMERIC = { "--customers": 1_000_000, "--seed": 2 ** 32 - 1, "--visits": 1_000_000 } as const;

/** The flags, or the one-line complaint about them. */
function parseFlags(argv: readonly string[]): Flags | string {
  const flags: Flags = {
    customers: SEED_DEFAULTS.customers,
    seed: SEED_DEFAULTS.seed,
    visitsPerCustomer: undefined,
    canaries: false,
    reset: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--reset") flags.reset = true;
    else if (arg === "--canaries") flags.canaries = true;
    else if (arg === "--help" || arg === "-h") flags.help = true;
    else {
      const eq = arg.indexOf("=");
      const name = eq >= 0 ? arg.slice(0, eq) : arg;
      if (!(name in NUMERIC)) return `unknown argument '${arg}'`;
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "") return `${name} needs a value`;
      const max = NUMERIC[name as keyof typeof NUMERIC];
      if (!/^\d+$/.test(value) || Number(value) > max) return `${name} must be an integer from 0 to ${max}, got '${value}'`;
      const n = Number(value);
      if (name === "--customers") flags.customers = n;
      else if (name === "--seed") flags.seed = n;
      else flags.visitsPerCustomer = n;
    }
  }
  return flags;
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  if (typeof flags === "string") {
    process.stderr.write(`seed: ${flags} (${USAGE})\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const { target } = cliDatabase();
  let handle: DatabaseHandle | undefined;
  try {
    handle = await openCliDatabase("npm run seed");
    await handle.migrate();
    const before = await rowCounts(handle.db);
    const held = Object.values(before).reduce((a, b) => a + b, 0);
    if (held > 0) {
      if (!flags.reset) {
        process.stderr.write(
          `seed: ${target} is not empty (${before.customers} customers, ${held} rows in all); pass --reset to empty it and seed again\n`,
        );
        return 1;
      }
      await truncateAll(handle.db);
    }

    const started = performance.now();
    const summary = await seed(handle.db, {
      customers: flags.customers,
      seed: flags.seed,
      canaries: flags.canaries,
      visitsPerCustomer: flags.visitsPerCustomer,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);

    const out: string[] = [];
    out.push(
      `Seeded ${summary.customers} customers (seed ${summary.seed}${summary.canaries ? ", canaries" : ""}) into ${target}` +
        `${held > 0 ? " after --reset" : ""} in ${seconds} s (${summary.statements} statements).`,
    );
    for (const [table, n] of Object.entries(summary.rows)) out.push(`  ${table.padEnd(20)} ${String(n).padStart(8)}`);
    out.push("Demo partner API keys (header x-api-key; only the SHA-256 of the secret is stored):");
    for (const k of summary.apiKeys) {
      out.push(`  ${k.partnerName.padEnd(26)} ${k.kind.padEnd(17)} ${k.region.padEnd(3)} ${k.apiKey}`);
    }
    process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`seed: ${describeCliError(error)}\n`);
    return 1;
  } finally {
    await handle?.close();
  }
}

process.exitCode = await main();
