/**
 * Writes the record of processing and the Fides data map: `tsx src/cli/datamap.ts [--with-partners] [--check]`
 *
 * Outputs: docs/record-of-processing.md and docs/datamap.fides.json, from the schema's `@personal`
 * marks, the personal columns and the policy: no database is opened, and the record says
 * "see partner grants" for recipients (the running server lists them: the `partners` query).
 * `--with-partners` names the partners and their grants, read from the database the environment
 * names (`DATABASE_URL`, or PGlite at `DATA_DIR` while no server owns it). `--check` writes
 * nothing and fails when a committed file differs. Exit codes: 0 done (or current), 1 failed (or
 * stale), 2 bad arguments.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import type { DatabaseHandle } from "../db/client.js";
import { DATAMAP_OUTPUTS, generateDataMapDocs, loadRecipients, personalCategories, type Recipient } from "../datamap/index.js";
import { getDataMap } from "../enforcement/dataMap.js";
import { buildGatewaySchema } from "../graphql/buildGatewaySchema.js";
import { policyFile } from "../server/config.js";
import { readPolicyFile } from "../server/policyInForce.js";
import { cliDatabase, describeCliError, openCliDatabase } from "./cliDatabase.js";

const USAGE = "usage: tsx src/cli/datamap.ts [--with-partners] [--check]";

/** The partners and their grants from the database (`--with-partners`); throws when it cannot be opened. */
async function recipientsFromDatabase(): Promise<{ recipients: Recipient[]; source: string }> {
  let handle: DatabaseHandle | undefined;
  try {
    handle = await openCliDatabase("npm run datamap");
    const recipients = await loadRecipients(handle.db);
    return { recipients, source: `${recipients.length} partners from ${cliDatabase().target}` };
  } finally {
    await handle?.close().catch(() => {});
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.find((a) => !["--with-partners", "--check", "--help", "-h"].includes(a));
  if (unknown !== undefined) {
    process.stderr.write(`datamap: unknown argument '${unknown}' (${USAGE})\n`);
    return 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const dataMap = getDataMap(await buildGatewaySchema());
    const { recipients, source } = args.includes("--with-partners")
      ? await recipientsFromDatabase()
      : { recipients: null, source: "see partner grants (no database read; --with-partners names them)" };
    const docs = generateDataMapDocs(dataMap, recipients, await readPolicyFile(policyFile(), personalCategories(dataMap)));
    const files = [
      [DATAMAP_OUTPUTS.record, docs.record],
      [DATAMAP_OUTPUTS.fides, docs.fides],
    ] as const;
    if (args.includes("--check")) {
      const stale = files.filter(([path, text]) => !existsSync(path) || readFileSync(path, "utf8") !== text);
      for (const [path] of stale) process.stderr.write(`datamap: ${relative(process.cwd(), path)} is stale (run npm run datamap)\n`);
      if (stale.length === 0) process.stdout.write(`datamap: current (recipients: ${source})\n`);
      return stale.length === 0 ? 0 : 1;
    }
    for (const [path, text] of files) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      process.stdout.write(`wrote ${relative(process.cwd(), path)}\n`);
    }
    process.stdout.write(`recipients: ${source}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`datamap: ${describeCliError(error)}\n`);
    return 1;
  }
}

process.exitCode = await main();
