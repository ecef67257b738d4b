import type { PolicyError } from "./loadPolicy.js";
import type { Policy } from "./policy.js";

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
