import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Database } from "../db/client.js";
import { createRequestEnforcement } from "../enforcement/createRequestEnforcement.js";
import type { DataMap } from "../enforcement/dataMap.js";
import type { GatewayContext } from "../graphql/context.js";
import { createLoaders } from "../graphql/loaders.js";
import type { Caller } from "../policy/caller.js";
import type { Logger } from "./logger.js";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request id: the caller's `x-request-id` when well-formed, else a fresh one. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const given = headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
}

export interface ContextDependencies {
  db: Database;
  dataMap: DataMap;
  pseudonymKey: Uint8Array;
  logger: Logger;
}

/** A fresh context per request: loaders, decisions and the disclosure record are never shared. */
export function createContext(args: { requestId: string; caller: Caller; headers: IncomingHttpHeaders }, deps: ContextDependencies): GatewayContext {
  const header = args.headers["x-purpose"];
  const enforcement = createRequestEnforcement({
    caller: args.caller, db: deps.db, dataMap: deps.dataMap, pseudonymKey: deps.pseudonymKey,
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
  };
}
