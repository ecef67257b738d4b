/**
 * The framework's floor: Apollo Server 5 over the gateway's own schema (schema/schema.graphql,
 * root fields answering from memory, every other field read as a property), executed as the
 * gateway executes (EXECUTION: compiled queries or graphql-js's executor), on a bare `node:http`
 * server. No database, no authentication, no enforcement: what Apollo's pipeline and the
 * executor cost for the same operation and the same answer. Bench-only.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { buildSchema } from "graphql";
import type { Execution } from "../src/server/config.js";
import { createCompiledExecution } from "../src/server/createCompiledExecution.js";
import { listenOnLoopback } from "./listenOnLoopback.js";

export interface ApolloFloorServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** `answers`: the root fields' answers (the `data` of a real answer), by root field. */
export async function startApolloFloor(answers: Record<string, unknown>, execution: Execution): Promise<ApolloFloorServer> {
  const schema = buildSchema(readFileSync(new URL("../schema/schema.graphql", import.meta.url), "utf8"));
  for (const [name, field] of Object.entries(schema.getQueryType()!.getFields())) field.resolve = () => answers[name];
  const apollo =
    execution === "jit"
      ? new ApolloServer({ gateway: createCompiledExecution(schema), introspection: false })
      : new ApolloServer({ schema, introspection: false });
  await apollo.start();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(key, value);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "POST", headers, search: "", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) },
      context: async () => ({}),
    });
    res.statusCode = response.status ?? 200;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.end(response.body.kind === "complete" ? response.body.string : "");
  });
  const url = `http://127.0.0.1:${await listenOnLoopback(server)}/graphql`;
  return {
    url,
    server,
    close: async () => {
      await apollo.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
