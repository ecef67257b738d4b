/**
 * The general-purpose peer: PostGraphile 4 (the newest that runs on Node 20) serving the same
 * tables of the same database, as its `postgraphile` middleware on a bare node:http server, with
 * no authentication and no privacy layer (its default: every column of every table readable).
 *
 * PostGraphile 4 is built on graphql 15, and npm installed two copies of it (one under
 * node_modules/postgraphile, one under node_modules/graphile-build-pg) next to the gateway's
 * graphql 16. graphql refuses types from another copy ("Cannot use GraphQLObjectType from another
 * module or realm"), so before PostGraphile loads, every `require("graphql")` (and
 * `graphile-build`) issued from PostGraphile's packages is resolved from PostGraphile's own
 * folder: one graphql 15 for all of them, while the gateways keep graphql 16.
 * `graphqlVersion` reports the copy PostGraphile loaded.
 */
import { createServer, type Server } from "node:http";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { postgraphile as Postgraphile } from "postgraphile";
import { listenOnLoopback } from "./listenOnLoopback.js";

export interface PostGraphileServer {
  server: Server;
  url: string;
  version: string;
  graphqlVersion: string;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Packages of PostGraphile's tree whose `graphql` and `graphile-build` must be PostGraphile's own. */
const POSTGRAPHILE_TREE =
  /[\\/]node_modules[\\/](postgraphile|postgraphile-core|graphile-build|graphile-build-pg|graphile-utils|graphql-parse-resolve-info|@graphile[\\/][^\\/]+)[\\/]/;
const SHARED = /^(graphql|graphile-build)(\/.*)?$/;

type ResolveFilename = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;

/** Loads PostGraphile with one graphql 15 for its whole tree (see the header). */
function loadPostGraphile(): typeof Postgraphile {
  const packageDir = dirname(require.resolve("postgraphile/package.json"));
  const anchor = {
    filename: join(packageDir, "build", "index.js"),
    id: "postgraphile",
    paths: (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(join(packageDir, "build")),
  };
  const patched = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = patched._resolveFilename;
  patched._resolveFilename = function (request, parent, ...rest) {
    if (SHARED.test(request) && parent?.filename && POSTGRAPHILE_TREE.test(parent.filename)) {
      return original.call(this, request, anchor as never, ...rest);
    }
    return original.call(this, request, parent, ...rest);
  };
  return (require("postgraphile") as { postgraphile: typeof Postgraphile }).postgraphile;
}

export async function startPostGraphile(options: { databaseUrl: string; poolSize: number }): Promise<PostGraphileServer> {
  const packageDir = dirname(require.resolve("postgraphile/package.json"));
  const own = createRequire(`${packageDir}/`);
  const version = (own("./package.json") as { version: string }).version;
  const graphqlVersion = (own("graphql/package.json") as { version: string }).version;
  const graphqlPath = own.resolve("graphql");
  if (graphqlPath === require.resolve("graphql"))
    throw new Error("PostGraphile would share the gateway's graphql; it needs its own graphql 15");

  const postgraphile = loadPostGraphile();
  const middleware = postgraphile({ connectionString: options.databaseUrl, max: options.poolSize }, "public", {
    graphqlRoute: "/graphql",
    graphiql: false,
    disableQueryLog: true,
    disableDefaultMutations: true,
    retryOnInitFail: false,
    watchPg: false,
    setofFunctionsContainNulls: false,
    dynamicJson: true,
    showErrorStack: false,
    extendedErrors: [],
  });
  await middleware.getGraphQLSchema(); // introspect before the first measured request
  const copies = Object.keys(require.cache).filter(
    (k) => /[\\/]node_modules[\\/]graphql[\\/]index\.js$/.test(k) && k !== graphqlPath && k !== require.resolve("graphql"),
  );
  if (copies.length > 0) throw new Error(`PostGraphile loaded another graphql besides its own: ${copies.join(", ")}`);
  const server = createServer(middleware);
  const port = await listenOnLoopback(server);
  return {
    server,
    url: `http://127.0.0.1:${port}/graphql`,
    version,
    graphqlVersion,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await middleware.release();
    },
  };
}
