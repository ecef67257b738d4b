import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from "@apollo/server";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DatabaseHandle } from "../db/client.js";
import type { DataMap } from "../enforcement/dataMap.js";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import { authenticate } from "./auth/authenticate.js";
import { createCustomerExists } from "./auth/createCustomerExists.js";
import { createJwtVerifier } from "./auth/verifyJwt.js";
import type { Config } from "./config.js";
import { createContext } from "./createContext.js";
import { methodNotAllowed } from "./errorResponse.js";
import type { QueryLimitGuards } from "./limits/createQueryLimits.js";
import type { Logger } from "./logger.js";
import type { ObservedContext, RequestObservation } from "./metrics/requestObservation.js";
import { admitPersistedOperation } from "./persistedOperations/admitPersistedOperation.js";
import type { PolicyInForce } from "../policy/PolicyInForce.js";
import { createPartnerRateLimiter, enforcePartnerRateLimit } from "./rateLimit/partnerRateLimit.js";
import { readBody } from "./readBody.js";

export interface GraphQLHandlerOptions {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  dataMap: DataMap;
  policy: PolicyInForce;
  /** Started before the first request is handed over. */
  apollo: ApolloServer<ObservedContext>;
  /** The token limit, checked on the raw query text before authentication. */
  limits: Pick<QueryLimitGuards, "checkSource">;
}

/** Serves one request to /graphql; a refusal is thrown as a GatewayError, for the caller's error response. */
export type GraphQLHandler = (req: IncomingMessage, res: ServerResponse, observation: RequestObservation) => Promise<void>;

/**
 * The /graphql route: method, media type, body size and JSON, the token limit, authentication, a
 * partner's rate limit and persisted-operation admission, all before Apollo sees anything, so a
 * bad request executes nothing; then Apollo's answer, written as it comes. A database found
 * unreachable while executing is thrown (503), whatever Apollo made of it.
 */
export async function createGraphQLHandler(options: GraphQLHandlerOptions): Promise<GraphQLHandler> {
  const { config, database, logger, apollo, limits } = options;
  const verifyJwt = await createJwtVerifier(config);
  const customerExists = createCustomerExists();
  const contextDependencies = { dataMap: options.dataMap, pseudonymKey: config.pseudonymKey, logger, policy: options.policy };
  const rateLimiter = createPartnerRateLimiter({ db: database.unflushed, logger });

  return async (req, res, observation) => {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://gateway");
    // Everything this request reads or writes goes through a view that counts its statements.
    const db = database.counting(observation);
    if (method !== "GET" && method !== "POST") throw methodNotAllowed(res, ["GET", "POST"]);
    let body: unknown;
    if (method === "POST") {
      const type = req.headers["content-type"] ?? "";
      if (!/^application\/(graphql-response\+)?json\b/i.test(type)) {
        throw new GatewayError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "POST bodies must be `Content-Type: application/json`.");
      }
      const text = await readBody(req, config.maxBodyBytes);
      try {
        body = JSON.parse(text);
      } catch {
        throw new GatewayError(ErrorCode.BAD_REQUEST, "The request body is not valid JSON.");
      }
    }
    const query = method === "POST" ? (body as { query?: unknown } | null)?.query : url.searchParams.get("query");
    if (typeof query === "string") limits.checkSource(query);
    const landingPage = method === "GET" && !url.searchParams.has("query") && /text\/html/.test(req.headers.accept ?? "");
    const caller = landingPage
      ? { kind: "anonymous" as const }
      : await authenticate(
          { authorization: header(req, "authorization"), apiKey: header(req, "x-api-key") },
          { db, verifyJwt, customerExists },
        );
    observation.callerKind = caller.kind;
    if (caller.kind === "partner") await enforcePartnerRateLimit(rateLimiter, caller, res);
    const operation = await admitPersistedOperation({ body, search: url.search }, { caller, db });
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method, headers, search: operation.search, body: operation.body };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => {
        const context = createContext({ requestId: observation.requestId, caller, headers: req.headers }, { ...contextDependencies, db });
        observation.policyVersion = context.enforcement.policy.version;
        return Object.assign(context, { observation });
      },
    });
    if (observation.databaseError !== null) {
      // Whatever Apollo made of it (internal errors, partial data), the answer is a plain 503.
      observation.result = null;
      throw observation.databaseError;
    }
    res.statusCode = response.status ?? 200;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (response.body.kind === "complete") {
      // Refused before the request pipeline (Apollo's CSRF and request-shape checks): no plugin
      // saw the body, so its (small) error body is read for the codes here.
      if (observation.result === null && res.statusCode >= 400) observation.result = parsedErrors(response.body.string);
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function parsedErrors(body: string): RequestObservation["result"] {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    return Array.isArray(parsed.errors) ? { errors: parsed.errors } : null;
  } catch {
    return null;
  }
}
