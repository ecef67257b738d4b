import type { Database } from "../db/client.js";
import type { RequestEnforcement } from "../enforcement/createRequestEnforcement.js";
import type { Caller } from "../policy/caller.js";
import type { Logger } from "../server/logger.js";
import type { PolicyInForce } from "../server/policyInForce.js";
import type { Loaders } from "./loaders.js";

/** What every resolver sees. Built per request by src/server/createContext.ts. */
export interface GatewayContext {
  requestId: string;
  caller: Caller;
  /** Purpose from the `x-purpose` header, if any; the operation's `@purpose` must agree with it. */
  headerPurpose: string | null;
  db: Database;
  loaders: Loaders;
  /** The request sent `Sec-GPC: 1` (Global Privacy Control). */
  gpc: boolean;
  /** Per-request purpose, decisions, transforms and the disclosure record (src/enforcement). */
  enforcement: RequestEnforcement;
  /** The gateway's log, for work that must not fail the answer (ids and codes only, never a value). */
  logger: Logger;
  /** The gateway's policy file, for `reloadPolicy`; this request decides under `enforcement.policy`, taken at its start. */
  policyFile: PolicyInForce;
}
