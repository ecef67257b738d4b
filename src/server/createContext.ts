import type { IncomingHttpHeaders } from "node:http";
import type { Database } from "../db/client.js";
import { createRequestEnforcement } from "../enforcement/createRequestEnforcement.js";
import type { DataMap } from "../enforcement/dataMap.js";
import type { GatewayContext } from "../graphql/context.js";
import { createLoaders } from "../graphql/loaders.js";
import type { Caller } from "../policy/caller.js";
import type { PolicyInForce } from "../policy/PolicyInForce.js";
import type { Logger } from "./logger.js";

export interface ContextDependencies {
  db: Database;
  dataMap: DataMap;
  pseudonymKey: Uint8Array;
  logger: Logger;
  /** The policy file; its policy in force is read once, when the request starts: a reload does not change a request in flight. */
  policy: PolicyInForce;
}

/** A fresh context per request: loaders, decisions and the disclosure record are never shared. */
export function createContext(
  args: { requestId: string; caller: Caller; headers: IncomingHttpHeaders },
  deps: ContextDependencies,
): GatewayContext {
  const header = args.headers["x-purpose"];
  const enforcement = createRequestEnforcement({
    caller: args.caller,
    db: deps.db,
    dataMap: deps.dataMap,
    pseudonymKey: deps.pseudonymKey,
    policy: deps.policy.current(),
  });
  return {
    requestId: args.requestId,
    caller: args.caller,
    headerPurpose: typeof header === "string" && header.trim() !== "" ? header.trim().toLowerCase() : null,
    gpc: args.headers["sec-gpc"] === "1",
    db: deps.db,
    loaders: createLoaders(deps.db, enforcement),
    enforcement,
    logger: deps.logger,
    policyFile: deps.policy,
  };
}
