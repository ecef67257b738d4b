import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLRequest } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLSchema } from "graphql";
import type { DatabaseHandle } from "../db/client.js";
import { isDatabaseUnavailable } from "../db/isDatabaseUnavailable.js";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import { messageWithoutInput } from "../errors/messageWithoutInput.js";
import { createFormatError, INTERNAL_ERROR_MESSAGE } from "../errors/toGraphQLError.js";
import type { DataMap } from "../enforcement/dataMap.js";
import type { GatewayContext } from "../graphql/context.js";
import { authenticate } from "./auth/authenticate.js";
import { createCustomerExists } from "./auth/createCustomerExists.js";
import { createJwtVerifier } from "./auth/verifyJwt.js";
import { methodNotAllowed, writeGatewayError } from "./errorResponse.js";
import type { Config } from "./config.js";
import { createContext, requestIdFrom } from "./createContext.js";
import type { Logger } from "./logger.js";
import type { PolicyInForce } from "./policyInForce.js";
import { createMetrics, type Metrics } from "./metrics/createMetrics.js";
import { createTextInputPlugin } from "./createTextInputPlugin.js";
import { createMetricsPlugin } from "./metrics/createMetricsPlugin.js";
import {
  errorCodes,
  observationOf,
  requestLogLine,
  routeOf,
  startObservation,
  type ObservedContext,
  type RequestObservation,
} from "./metrics/requestObservation.js";
import { serveMetrics } from "./metrics/serveMetrics.js";
import { admitPersistedOperation } from "./persistedOperations/admitPersistedOperation.js";
import { createQueryLimits } from "./limits/createQueryLimits.js";
import { readBody } from "./readBody.js";
import { createPartnerRateLimiter, enforcePartnerRateLimit } from "./rateLimit/partnerRateLimit.js";

export interface GatewayOptions {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** The executable schema, enforcement applied (see src/enforcement/createEnforcement.ts). */
  schema: GraphQLSchema;
  /** The data map of that schema (src/enforcement/dataMap.ts). */
  dataMap: DataMap;
  /** Apollo plugins, in order (purpose, static check, disclosure recording, ...). */
  plugins?: ApolloServerPlugin<GatewayContext>[];
  /** This gateway's metrics (default: a fresh registry); pass one to count in plugins built earlier. */
  metrics?: Metrics;
  /** The policy the gateway decides under; each request takes the one in force when it starts. */
  policy: PolicyInForce;
}

export interface Gateway {
  server: Server;
  /** The policy the gateway decides under (reload: SIGHUP in main.ts, or the `reloadPolicy` mutation). */
  policy: PolicyInForce;
  /** Listens on config.host:config.port (0 = any free port); resolves with the URL. */
  listen(): Promise<string>;
  /** Stops accepting, lets requests in flight finish, stops Apollo. Does not close the database. */
  close(): Promise<void>;
}

/**
 * The HTTP gateway: health routes, then for /graphql body limits, JSON parsing and
 * authentication before Apollo sees anything, so a bad request executes nothing.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, database, logger } = options;
  const metrics = options.metrics ?? createMetrics();
  metrics.servesPolicy(() => options.policy.current().version);
  const verifyJwt = await createJwtVerifier(config);
  const customerExists = createCustomerExists();
  const limits = createQueryLimits(config.queryLimits, options.schema);
  const apollo = new ApolloServer<ObservedContext>({
    schema: options.schema,
    introspection: config.introspection,
    hideSchemaDetailsFromClientErrors: true,
    includeStacktraceInErrorResponses: false,
    persistedQueries: false,
    // Shutdown is the process entry's (src/server/main.ts): Apollo's own SIGTERM handler would call
    // stop() alongside close() below, and @apollo/server 5.5 never resolves a second stop() that
    // arrives while the first is running, so an idle gateway hung on SIGTERM.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    // CSRF: a browser sends a cross-site request without a CORS preflight only with safelisted
    // headers. Every request that reaches Apollo is authenticated by one of these two (no cookie
    // is ever read), and neither is safelisted: its presence proves a preflight, so GET queries
    // pass (urql's default, persisted operations) while a simple request stays refused.
    csrfPrevention: { requestHeaders: ["authorization", "x-api-key"] },
    validationRules: limits.validationRules,
    formatError: createFormatError((original, formatted) => {
      // An unreachable database is logged once per request, as its 503 (sendError).
      if (isDatabaseUnavailable(original)) return;
      logger.error(
        {
          requestId: observationOf(original)?.requestId,
          code: formatted.extensions?.code,
          path: formatted.path,
          err: describeError(original),
        },
        "unexpected error",
      );
    }, options.schema),
    // The cost limit first: a hostile operation is refused as such, before any other check; then
    // text no database value can hold.
    // No cache hints: every answer is `no-store` (serve), so Apollo's cache-control plugin, which
    // wraps every field to collect hints, has nothing to do.
    plugins: [
      limits.plugin,
      createTextInputPlugin(),
      ...(options.plugins ?? []),
      createMetricsPlugin({ metrics }),
      ApolloServerPluginCacheControlDisabled(),
      ...(config.landingPage ? [] : [ApolloServerPluginLandingPageDisabled()]),
    ],
  });
  await apollo.start();
  const contextDependencies = { dataMap: options.dataMap, pseudonymKey: config.pseudonymKey, logger, policy: options.policy };
  const rateLimiter = createPartnerRateLimiter({ db: database.unflushed, logger });

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, requestId: string, observation: RequestObservation) => {
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
        const context = createContext({ requestId, caller, headers: req.headers }, { ...contextDependencies, db });
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

  // Responses being served; once closing, each goes out with `Connection: close`, so a keep-alive
  // connection ends with its response instead of holding close() up until it idles out.
  const inFlight = new Set<ServerResponse>();
  let closing = false;

  const serve = async (req: IncomingMessage, res: ServerResponse, path: string, observation: RequestObservation) => {
    const { requestId } = observation;
    res.setHeader("x-request-id", requestId);
    // Answers carry personal data decided for one caller and purpose: no cache, shared or private, may keep them.
    res.setHeader("cache-control", "no-store");
    if (closing) res.setHeader("connection", "close");
    inFlight.add(res);
    metrics.inFlight.inc();
    const origin = req.headers.origin;
    if (origin && config.corsOrigins.includes(origin)) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "origin");
      res.setHeader("access-control-expose-headers", "x-request-id");
    }
    try {
      if (req.method === "OPTIONS" && path === "/graphql") {
        // CORS preflight: answered for allowed origins only; never executes anything.
        if (origin && config.corsOrigins.includes(origin)) {
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
        return json(res, ready ? 200 : 503, { status: ready ? "ready" : "database unavailable", policy: options.policy.current().version });
      }
      if (path === "/metrics" && config.metrics) return await serveMetrics(req, res, metrics, config.metricsToken);
      if (path !== "/graphql") throw new GatewayError(ErrorCode.ROUTE_NOT_FOUND, "Not found. The API is at /graphql.");
      await handleGraphQL(req, res, requestId, observation);
    } catch (error) {
      sendError(req, res, error, observation, logger);
    } finally {
      inFlight.delete(res);
      metrics.inFlight.dec();
      const codes = errorCodes(observation);
      metrics.requestEnded(observation, res.statusCode, codes);
      logger.info(requestLogLine(observation, req.method, res.statusCode, codes), "request");
    }
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    void serve(req, res, path, startObservation(requestIdFrom(req.headers), routeOf(path)));
  });

  return {
    server,
    policy: options.policy,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          resolve(`http://${config.host}:${port}/graphql`);
        });
      }),
    close: async () => {
      closing = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
    },
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

function json(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

const DATABASE_UNAVAILABLE = "The database is unavailable; nothing was changed. Try again shortly.";

/**
 * A request that ends before (or instead of) Apollo's answer, as its gateway error
 * (writeGatewayError). A database that cannot be reached is SERVICE_UNAVAILABLE (503), whatever
 * the step that found out; anything else unexpected is INTERNAL_SERVER_ERROR, logged.
 */
function sendError(req: IncomingMessage, res: ServerResponse, error: unknown, observation: RequestObservation, logger: Logger) {
  if (res.headersSent) return void res.destroy();
  let answer: GatewayError;
  if (isDatabaseUnavailable(error)) {
    logger.error({ requestId: observation.requestId, err: describeError(error) }, "database unavailable; answered 503");
    answer = new GatewayError(ErrorCode.SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE);
  } else if (error instanceof GatewayError) {
    answer = error;
  } else {
    logger.error({ requestId: observation.requestId, err: describeError(error) }, "request failed before execution");
    answer = new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, INTERNAL_ERROR_MESSAGE);
  }
  observation.codes.push(answer.code);
  writeGatewayError(req, res, answer);
}

/** What of an error may reach the log: its class, code and a scrubbed message, never a stack of values. */
export function describeError(error: unknown): { name: string; message: string; code?: string } {
  // Drizzle's query errors carry the statement's parameters (personal values) in their message:
  // log only the driver's error code underneath.
  if (error instanceof Error && ("params" in error || /\bparams:/.test(error.message))) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return { name: error.name, message: "database query failed", ...(typeof code === "string" ? { code } : {}) };
  }
  // JSON.parse quotes the text it failed on ("...": ines@examp"... is not valid JSON), and the only
  // JSON parsed after a request is admitted is the database's (a customer's nested rows, a
  // subject's state): personal values. Clients' bodies are refused with messages of their own.
  if (error instanceof SyntaxError) return { name: error.name, message: "JSON did not parse (its text is not logged)" };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: messageWithoutInput(error).slice(0, 300), ...(typeof code === "string" ? { code } : {}) };
  }
  return { name: typeof error, message: "non-error thrown" };
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
