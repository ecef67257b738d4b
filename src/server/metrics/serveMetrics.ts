import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { methodNotAllowed } from "../errorResponse.js";
import type { Metrics } from "./createMetrics.js";

/**
 * `GET /metrics`: the registry in Prometheus text format. With a token configured (METRICS_TOKEN),
 * only a scraper presenting it as `Authorization: Bearer <token>` is answered (compared in constant
 * time); other callers get 401 UNAUTHENTICATED. The metrics hold counts only, no personal value
 * and no caller identity.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: Metrics, token: string | null): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") throw methodNotAllowed(res, ["GET", "HEAD"]);
  if (token !== null && !presents(req.headers.authorization, token)) {
    throw new GatewayError(ErrorCode.UNAUTHENTICATED, "The metrics need `Authorization: Bearer <METRICS_TOKEN>`.");
  }
  const body = await metrics.registry.metrics();
  res.statusCode = 200;
  res.setHeader("content-type", metrics.registry.contentType);
  res.setHeader("cache-control", "no-store");
  res.end(req.method === "HEAD" ? undefined : body);
}

function presents(authorization: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (given === undefined) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}
