import { randomUUID } from "node:crypto";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLSchema } from "graphql";
import type { DatabaseHandle } from "../db/client.js";
import { isDatabaseUnavailable } from "../db/isDatabaseUnavailable.js";
import { createFormatError } from "../errors/toGraphQLError.js";
import type { DataMap } from "../enforcement/dataMap.js";
import type { GatewayContext } from "../graphql/context.js";
import type { Config } from "./config.js";
import { createGraphQLHandler } from "./createGraphQLHandler.js";
import { createRouter } from "./createRouter.js";
import { createTextInputPlugin } from "./createTextInputPlugin.js";
import { describeError } from "./describeError.js";
import { sendError } from "./errorResponse.js";
import type { Logger } from "./logger.js";
import type { PolicyInForce } from "../policy/PolicyInForce.js";
import { createCompiledExecution } from "./createCompiledExecution.js";
import { createMetrics, type Metrics } from "./metrics/createMetrics.js";
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
import { createQueryLimits } from "./limits/createQueryLimits.js";

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
 * The HTTP gateway, assembled: Apollo with the gateway's plugins, the /graphql handler
 * (createGraphQLHandler: everything checked before Apollo sees it), the routes around it
 * (createRouter), and one error response for whatever a request ends with instead of an answer
 * (sendError). Every answer carries `x-request-id` and `cache-control: no-store`, is counted and
 * logged once.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, database, logger } = options;
  const metrics = options.metrics ?? createMetrics();
  metrics.servesPolicy(() => options.policy.current().version);
  const limits = createQueryLimits(config.queryLimits, options.schema);
  const apollo = new ApolloServer<ObservedContext>({
    ...(config.execution === "jit" ? { gateway: createCompiledExecution(options.schema) } : { schema: options.schema }),
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
  const graphql = await createGraphQLHandler({
    config,
    database,
    logger,
    dataMap: options.dataMap,
    policy: options.policy,
    apollo,
    limits,
  });
  await apollo.start();
  const route = createRouter({ config, database, metrics, policy: options.policy, graphql });

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
    try {
      await route(req, res, path, observation);
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
    // The request id is always the gateway's own: it is kept for years (logs, the disclosure log),
    // and any id a caller chose could carry words (a name in hex) or be another caller's.
    void serve(req, res, path, startObservation(randomUUID(), routeOf(path)));
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
