/**
 * The privacy office's policy tools: `npm run policy -- [COMMAND]`
 *
 *   (none) | table [FILE]   the policy as Markdown tables (matrix, roles), as the gateway decides
 *   check FILE              validates FILE: YAML, schema, names, fideslang keys, and every category the gateway holds
 *   test [POLICY] [CASES]   runs the cases (default: POLICY with `.yaml` -> `.test.yaml`)
 *   diff OLD NEW            every (role or partner kind, purpose, category) whose effect changes, widened first
 *
 * FILE and POLICY default to the configured policy (POLICY_FILE, else policy/default.policy.yaml).
 * Errors print as `FILE:LINE:COLUMN: PATH: MESSAGE`. Exit codes: 0 valid, passed or printed;
 * 1 invalid, a case failed, or unreadable; 2 bad arguments.
 */
import { readFileSync } from "node:fs";
import { personalCategories } from "../datamap/columns.js";
import { getDataMap } from "../enforcement/dataMap.js";
import { buildGatewaySchema } from "../graphql/buildGatewaySchema.js";
import { loadPolicy, type Policy, type PolicyError } from "../policy/index.js";
import { formatPolicyTable } from "../policy/policyTable.js";
import { diffPolicies, formatPolicyDiff } from "../policy/policyDiff.js";
import { parsePolicyCases, runPolicyCases } from "../policy/policyCases.js";
import { policyFile } from "../server/config.js";

const USAGE = "usage: npm run policy -- [table [FILE] | check FILE | test [POLICY] [CASES] | diff OLD NEW]";

class Refused extends Error {}

function print(file: string, errors: readonly PolicyError[]): void {
  for (const e of errors) process.stderr.write(`${file}:${e.line}:${e.column}: ${e.path}: ${e.message}\n`);
}

function read(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    process.stderr.write(`policy: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "unreadable"})\n`);
    throw new Refused();
  }
}

/** Loads a policy file, checked against the categories the gateway's schema marks when `withSchema`. */
async function load(file: string, withSchema: boolean): Promise<Policy> {
  const schemaCategories = withSchema ? personalCategories(getDataMap(await buildGatewaySchema())) : undefined;
  const loaded = loadPolicy(read(file), { schemaCategories });
  if (!loaded.ok) {
    print(file, loaded.errors);
    throw new Refused();
  }
  return loaded.policy;
}

async function main(args: readonly string[]): Promise<number> {
  const [command = "table", ...rest] = args;
  switch (command) {
    case "table": {
      if (rest.length > 1) break;
      process.stdout.write(formatPolicyTable(await load(rest[0] ?? policyFile(), false)));
      return 0;
    }
    case "check": {
      if (rest.length !== 1) break;
      const policy = await load(rest[0]!, true);
      process.stdout.write(`${rest[0]}: valid, version ${policy.version}\n`);
      return 0;
    }
    case "test": {
      if (rest.length > 2) break;
      const file = rest[0] ?? policyFile();
      const casesFile = rest[1] ?? file.replace(/\.ya?ml$/, ".test.yaml");
      const policy = await load(file, false);
      const parsed = parsePolicyCases(read(casesFile));
      if (!parsed.ok) {
        print(casesFile, parsed.errors);
        return 1;
      }
      const results = runPolicyCases(policy, parsed.cases);
      const failed = results.filter((r) => !r.passed);
      for (const r of failed) {
        process.stderr.write(
          `${casesFile}:${r.line}: ${r.name}: expected ${r.expect.effect} ${r.expect.reason}, got ${r.got.effect} ${r.got.reason}\n`,
        );
      }
      process.stdout.write(
        `${results.length} cases, ${results.length - failed.length} passed, ${failed.length} failed (policy ${policy.version})\n`,
      );
      return failed.length === 0 ? 0 : 1;
    }
    case "diff": {
      if (rest.length !== 2) break;
      const [before, after] = [await load(rest[0]!, false), await load(rest[1]!, false)];
      const text = formatPolicyDiff(diffPolicies(before, after));
      process.stdout.write(text === "" ? "no decision changes\n" : text);
      return 0;
    }
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (!(error instanceof Refused)) process.stderr.write(`policy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
