import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode, HTTP_STATUS } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import { toFormattedError } from "../errors/toGraphQLError.js";

const GRAPHQL_RESPONSE_JSON = "application/graphql-response+json; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";

/**
 * The one way the gateway's own errors (those that end a request before or instead of Apollo's
 * answer) leave over HTTP: the code's status, `{ errors: [{ message, extensions: { code } }] }`,
 * in the media type the request's Accept asks for (GraphQL over HTTP), with the headers the
 * status calls for.
 */
export function writeGatewayError(req: IncomingMessage, res: ServerResponse, error: GatewayError): void {
  res.statusCode = HTTP_STATUS[error.code];
  res.setHeader("content-type", responseMediaType(req.headers.accept));
  // Every 401 (UNAUTHENTICATED, UNKNOWN_SUBJECT) names the scheme to authenticate with (RFC 9110).
  if (res.statusCode === 401) res.setHeader("www-authenticate", 'Bearer realm="privacy-gateway"');
  // The rest of an oversized body was never read: the connection cannot carry another request.
  if (error.code === ErrorCode.PAYLOAD_TOO_LARGE) res.setHeader("connection", "close");
  res.end(JSON.stringify({ errors: [toFormattedError(error)] }));
}

/** A 405 for a method this route does not serve; `Allow` names those it does (RFC 9110). */
export function methodNotAllowed(res: ServerResponse, allowed: readonly string[]): GatewayError {
  res.setHeader("allow", allowed.join(", "));
  return new GatewayError(ErrorCode.METHOD_NOT_ALLOWED, `Use ${allowed.join(" or ")}.`);
}

/**
 * `application/graphql-response+json` when the Accept header prefers it, else `application/json`
 * (no Accept, wildcards only, neither accepted: the spec's legacy default). Chosen as Apollo
 * Server chooses for its own answers (highest q, then the more specific range, then the earlier in
 * the header, then JSON), so a client gets one media type for data and errors alike.
 */
export function responseMediaType(accept: string | undefined): string {
  if (!accept) return JSON_TYPE;
  const ranges = accept.split(",").map((part, order) => {
    const [range = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    return { range, order, q: Number.isFinite(weight) ? weight : 0 };
  });
  const match = (type: string) => {
    let best: { q: number; specificity: number; order: number } | undefined;
    for (const { range, order, q } of ranges) {
      const specificity = range === type ? 2 : range === "application/*" ? 1 : range === "*/*" ? 0 : -1;
      if (specificity >= 0 && (best === undefined || specificity > best.specificity)) best = { q, specificity, order };
    }
    return best !== undefined && best.q > 0 ? best : undefined;
  };
  const graphql = match("application/graphql-response+json");
  const json = match("application/json");
  if (graphql === undefined) return JSON_TYPE;
  if (json === undefined) return GRAPHQL_RESPONSE_JSON;
  const prefersGraphql =
    graphql.q !== json.q
      ? graphql.q > json.q
      : graphql.specificity !== json.specificity
        ? graphql.specificity > json.specificity
        : graphql.order < json.order;
  return prefersGraphql ? GRAPHQL_RESPONSE_JSON : JSON_TYPE;
}
