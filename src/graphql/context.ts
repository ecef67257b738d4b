import type { EnforcementContext } from "../enforcement/EnforcementContext.js";
import type { Logger } from "../enforcement/Logger.js";
import type { PolicyInForce } from "../policy/PolicyInForce.js";
import type { Loaders } from "./loaders.js";

/**
 * What every resolver sees: what enforcement reads (EnforcementContext: request id, caller,
 * header purpose, database, GPC signal, the request's enforcement) and more. Built per request by
 * src/server/createContext.ts.
 */
export interface GatewayContext extends EnforcementContext {
  loaders: Loaders;
  /** The gateway's log, for work that must not fail the answer (ids and codes only, never a value). */
  logger: Logger;
  /** The gateway's policy file, for `reloadPolicy`; this request decides under `enforcement.policy`, taken at its start. */
  policyFile: PolicyInForce;
}
