import type { Database } from "../db/client.js";
import type { Caller } from "../policy/caller.js";
import type { RequestEnforcement } from "./createRequestEnforcement.js";

/**
 * What enforcement reads of a request's context (its plugins, the rule tree, the disclosure
 * record): declared here so that enforcement does not import the GraphQL layer. The resolvers'
 * context (GatewayContext, src/graphql/context.ts) extends it.
 */
export interface EnforcementContext {
  requestId: string;
  caller: Caller;
  /** Purpose from the `x-purpose` header, if any; the operation's `@purpose` must agree with it. */
  headerPurpose: string | null;
  db: Database;
  /** The request sent `Sec-GPC: 1` (Global Privacy Control). */
  gpc: boolean;
  /** Per-request purpose, decisions, transforms and the disclosure record. */
  enforcement: RequestEnforcement;
}
