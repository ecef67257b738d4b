import type { GraphQLFormattedError } from "graphql";
import type { StatementTally } from "../../db/client.js";
import type { GatewayContext } from "../../graphql/context.js";
import type { Caller } from "../../policy/caller.js";

/** Routes as metrics and logs name them: a fixed set, never the raw path (client input). */
export type Route = "/graphql" | "/healthz" | "/readyz" | "/metrics" | "other";

const ROUTES: ReadonlySet<string> = new Set<Route>(["/graphql", "/healthz", "/readyz", "/metrics"]);

export function routeOf(path: string): Route {
  return ROUTES.has(path) ? (path as Route) : "other";
}

/**
 * What one HTTP request did, for its log line and its metrics: ids, kinds, names, codes and
 * counts, never a value. Filled in as the request goes: by the HTTP layer (route, caller kind),
 * by the database view the request reads through (statements), and by the metrics plugin
 * (operation, purpose, errors met, and the response body, whose error codes are read once every
 * plugin is done with it: the disclosure plugin may still replace them).
 */
export interface RequestObservation extends StatementTally {
  readonly requestId: string;
  readonly route: Route;
  /** performance.now() when the request arrived. */
  readonly started: number;
  callerKind: Caller["kind"] | null;
  /** The operation's name from the parsed document (an identifier), if it has one. */
  operation: string | null;
  purpose: string | null;
  /** The version of the policy the request decided under (taken when its context was built). */
  policyVersion: string | null;
  /** The GraphQL response body. */
  result: { errors?: readonly GraphQLFormattedError[] } | null;
  /** Error codes of a request answered outside Apollo (authentication, body, routes). */
  codes: string[];
  /** The first database-unreachable error met while executing: the request is answered 503. */
  databaseError: unknown;
}

/** The context Apollo sees in this gateway: the request's own, plus its observation. */
export interface ObservedContext extends GatewayContext {
  observation: RequestObservation;
}

export function startObservation(requestId: string, route: Route): RequestObservation {
  return {
    requestId,
    route,
    started: performance.now(),
    callerKind: null,
    operation: null,
    purpose: null,
    policyVersion: null,
    result: null,
    codes: [],
    statements: 0,
    databaseError: null,
  };
}

/** The stable error codes a request ended with, each once, in order. */
export function errorCodes(observation: RequestObservation): string[] {
  const codes = new Set(observation.codes);
  for (const error of observation.result?.errors ?? []) {
    const code = error.extensions?.code;
    if (typeof code === "string") codes.add(code);
  }
  return [...codes];
}

/**
 * The one log line per request: request id, route, caller kind, purpose, the policy's version,
 * operation name, status, error codes, duration and SQL statements. Never the raw path, a header, a variable or a value.
 */
export function requestLogLine(observation: RequestObservation, method: string | undefined, status: number, codes: readonly string[]) {
  return {
    requestId: observation.requestId,
    method,
    route: observation.route,
    status,
    codes,
    callerKind: observation.callerKind,
    purpose: observation.purpose,
    policy: observation.policyVersion,
    operation: observation.operation,
    ms: Math.round((performance.now() - observation.started) * 10) / 10,
    statements: observation.statements,
  };
}

// Apollo's formatError sees an error but not its request: errors are tagged with their request's
// observation as they are met (createMetricsPlugin), so the log line of an original has its id.
const byError = new WeakMap<object, RequestObservation>();

export function noteError(error: unknown, observation: RequestObservation): void {
  if (typeof error === "object" && error !== null) byError.set(error, observation);
}

/** The observation of the request an error arose in, if it was noted. */
export function observationOf(error: unknown): RequestObservation | undefined {
  return typeof error === "object" && error !== null ? byError.get(error) : undefined;
}
