import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Database } from "../db/client.js";
import { createRequestEnforcement } from "../enforcement/createRequestEnforcement.js";
import type { DataMap } from "../enforcement/dataMap.js";
import type { GatewayContext } from "../graphql/context.js";
import { createLoaders } from "../graphql/loaders.js";
import type { Caller } from "../policy/caller.js";
import type { PolicyInForce } from "./policyInForce.js";
import type { Logger } from "./logger.js";

/**
 * A request id the caller may choose: a UUID or 16 to 64 hex digits (a W3C trace id is 32). Only
 * forms that cannot carry words: the id is kept in the logs and in the disclosure log for years,
 * erasure included, so free text there could hold a subject's name or email.
 */
const REQUEST_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,64})$/i;

/** The request id: the caller's `x-request-id` when of a form REQUEST_ID admits, else a fresh one. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const given = headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
}

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
