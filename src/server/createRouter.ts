import type { IncomingMessage, ServerResponse } from "node:http";
import type { DatabaseHandle } from "../db/client.js";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import type { Config } from "./config.js";
import type { GraphQLHandler } from "./createGraphQLHandler.js";
import type { Metrics } from "./metrics/createMetrics.js";
import type { RequestObservation } from "./metrics/requestObservation.js";
import { serveMetrics } from "./metrics/serveMetrics.js";
import type { PolicyInForce } from "../policy/PolicyInForce.js";

export interface RouterOptions {
  config: Pick<Config, "corsOrigins" | "metrics" | "metricsToken">;
  database: Pick<DatabaseHandle, "ping">;
  metrics: Metrics;
  policy: PolicyInForce;
  /** The /graphql route (createGraphQLHandler). */
  graphql: GraphQLHandler;
}

/** Answers one request on its path; a refusal is thrown as a GatewayError, for the caller's error response. */
export type Router = (req: IncomingMessage, res: ServerResponse, path: string, observation: RequestObservation) => Promise<void>;

/**
 * The gateway's routes: CORS for allowed origins (headers on every answer, the /graphql
 * preflight), `/healthz`, `/readyz` (the database answers a ping within 2 s; the policy version in
 * force), `/metrics` when enabled, `/graphql`, and ROUTE_NOT_FOUND for any other path.
 */
export function createRouter(options: RouterOptions): Router {
  const { config, database, metrics, policy, graphql } = options;
  return async (req, res, path, observation) => {
    const origin = req.headers.origin;
    const allowedOrigin = origin !== undefined && config.corsOrigins.includes(origin);
    if (allowedOrigin) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "origin");
      res.setHeader("access-control-expose-headers", "x-request-id");
    }
    if (req.method === "OPTIONS" && path === "/graphql") {
      // CORS preflight: answered for allowed origins only; never executes anything.
      if (allowedOrigin) {
        res.setHeader("access-control-allow-methods", "GET, POST");
        res.setHeader("access-control-allow-headers", "authorization, content-type, x-purpose, x-request-id, sec-gpc");
        res.setHeader("access-control-max-age", "600");
      }
      res.statusCode = 204;
      return void res.end();
    }
    if (path === "/healthz") return json(res, 200, { status: "ok" });
    if (path === "/readyz") {
      const ready = await withTimeout(database.ping(), 2000).then(
        () => true,
        () => false,
      );
      return json(res, ready ? 200 : 503, { status: ready ? "ready" : "database unavailable", policy: policy.current().version });
    }
    if (path === "/metrics" && config.metrics) return await serveMetrics(req, res, metrics, config.metricsToken);
    if (path !== "/graphql") throw new GatewayError(ErrorCode.ROUTE_NOT_FOUND, "Not found. The API is at /graphql.");
    await graphql(req, res, observation);
  };
}

/** A health answer (not an error: its body is the route's own, `{ status, ... }`). */
function json(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
