import { readFile } from "node:fs/promises";
import { loadPolicy, type PolicyError } from "../policy/loadPolicy.js";
import type { Policy } from "../policy/policy.js";
import type { Logger } from "./logger.js";

/** A policy file that does not load: every error with its line and column. */
export class PolicyFileInvalid extends Error {
  constructor(
    readonly file: string,
    readonly errors: readonly PolicyError[],
  ) {
    super(
      `the policy file ${file} is invalid: ${errors.map((e) => `line ${e.line}, column ${e.column} (${e.path}): ${e.message}`).join("; ")}`,
    );
    this.name = "PolicyFileInvalid";
  }
}

/** The outcome of a reload: the policy in force afterwards, and the errors when the file was refused. */
export type PolicyReload = { readonly policy: Policy; readonly errors: readonly PolicyError[] };

/**
 * The policy a gateway decides under, read from its file. A request reads `current()` once, at
 * its start, and keeps that policy to its end; `reload()` re-reads the file and installs it only
 * when it loads (checked against the categories the gateway holds), else keeps the one in force.
 */
export interface PolicyInForce {
  readonly file: string;
  current(): Policy;
  /** `trigger` names what asked (`SIGHUP`, `api`) in the log line. */
  reload(trigger: string): Promise<PolicyReload>;
}

/** Reads and loads a policy file; throws PolicyFileInvalid, with the line of each error, when it does not load. */
export async function readPolicyFile(file: string, schemaCategories: readonly string[]): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new PolicyFileInvalid(file, [{ line: 0, column: 0, path: "(file)", message: `cannot read the file (${code})` }]);
  }
  const loaded = loadPolicy(text, { schemaCategories });
  if (!loaded.ok) throw new PolicyFileInvalid(file, loaded.errors);
  return loaded.policy;
}

/** Loads `file` (PolicyFileInvalid: the gateway refuses to start) and keeps it in force until a reload installs another. */
export async function openPolicy(options: { file: string; schemaCategories: readonly string[]; logger: Logger }): Promise<PolicyInForce> {
  const { file, schemaCategories, logger } = options;
  let policy = await readPolicyFile(file, schemaCategories);
  return {
    file,
    current: () => policy,
    async reload(trigger) {
      try {
        const previous = policy.version;
        policy = await readPolicyFile(file, schemaCategories);
        logger.info({ trigger, file, policy: policy.version, previous }, "policy reloaded");
        return { policy, errors: [] };
      } catch (error) {
        if (!(error instanceof PolicyFileInvalid)) throw error;
        logger.error({ trigger, file, policy: policy.version, errors: error.errors }, "policy file refused; the policy in force stays");
        return { policy, errors: error.errors };
      }
    },
  };
}
