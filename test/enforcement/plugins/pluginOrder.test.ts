/**
 * The enforcement plugins do not depend on the order they are registered in: Apollo runs every
 * `didResolveOperation` hook together, so the static check reads the purpose through an explicit
 * dependency (enforcement.purposeResolved), not by running after the purpose plugin. In memory:
 * an Apollo server of the plugins in every order, a database that refuses to be touched.
 */
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import fc from "fast-check";
import type { GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../src/db/client.js";
import { createEnforcement } from "../../../src/enforcement/createEnforcement.js";
import { enforcementPlugins } from "../../../src/enforcement/plugins/index.js";
import { buildGatewaySchema } from "../../../src/graphql/buildGatewaySchema.js";
import type { GatewayContext } from "../../../src/graphql/context.js";
import type { Caller } from "../../../src/policy/caller.js";
import { DEFAULT_POLICY } from "../../../src/policy/index.js";
import { createContext } from "../../../src/server/createContext.js";
import { createLogger } from "../../../src/server/logger.js";
import type { PolicyInForce } from "../../../src/policy/PolicyInForce.js";

const logger = createLogger({ level: "silent" });
/** Every answer below is given before execution: a statement would mean a check came too late. */
const db = new Proxy(
  {},
  {
    get: () => {
      throw new Error("a statement was issued");
    },
  },
) as unknown as Database;
const policy = { current: () => DEFAULT_POLICY } as unknown as PolicyInForce;
const staff = (role: "support_agent" | "marketing_analyst"): Caller => ({ kind: "staff", staffId: "s", role });

/** Operations refused before execution, each with the answer the registry's order gives. */
const CASES = [
  {
    name: "a field the purpose can never read",
    caller: staff("marketing_analyst"),
    status: 403,
    code: "FORBIDDEN",
    denied: "Customer.messages",
    query: "query Q @purpose(name: MARKETING) { customers(first: 1) { edges { node { messages { body } } } } }",
  },
  {
    name: "a root field outside the caller's audience, under a purpose",
    caller: staff("support_agent"),
    status: 403,
    code: "FORBIDDEN",
    denied: "Query.disclosureLog",
    query: "query Q @purpose(name: CUSTOMER_SUPPORT) { disclosureLog { id } }",
  },
  {
    name: "a root field outside the caller's audience, needing no purpose",
    caller: staff("support_agent"),
    status: 403,
    code: "FORBIDDEN",
    denied: "Query.partners",
    query: "{ partners { id } }",
  },
  {
    name: "no purpose declared",
    caller: staff("support_agent"),
    status: 400,
    code: "PURPOSE_REQUIRED",
    query: "{ customers(first: 1) { edges { node { messages { body } } } } }",
  },
  {
    name: "a purpose outside the role",
    caller: staff("support_agent"),
    status: 403,
    code: "PURPOSE_NOT_ALLOWED",
    query: "query Q @purpose(name: MARKETING) { customers(first: 1) { edges { node { messages { body } } } } }",
  },
] as const;

let bare: GraphQLSchema;
let enforcement: ReturnType<typeof createEnforcement>;
beforeAll(async () => {
  bare = await buildGatewaySchema();
  enforcement = createEnforcement(bare, { logger });
});

async function answer(plugins: ApolloServerPlugin<GatewayContext>[], c: (typeof CASES)[number]) {
  const server = new ApolloServer<GatewayContext>({ schema: enforcement.schema, plugins });
  const contextValue = createContext(
    { requestId: "r", caller: c.caller, headers: {} },
    { db, dataMap: enforcement.dataMap, pseudonymKey: new Uint8Array(32), logger, policy },
  );
  const res = await server.executeOperation({ query: c.query }, { contextValue });
  if (res.body.kind !== "single") throw new Error("a single result was expected");
  const [error, ...more] = res.body.singleResult.errors ?? [];
  return {
    status: res.http.status ?? 200,
    errors: 1 + more.length,
    code: error?.extensions?.code,
    data: res.body.singleResult.data ?? null,
    denied: ((error?.extensions?.denied ?? []) as { coordinate: string }[]).map((d) => d.coordinate),
  };
}

function expectAnswer(got: Awaited<ReturnType<typeof answer>>, c: (typeof CASES)[number]) {
  expect(got, c.name).toMatchObject({ status: c.status, errors: 1, code: c.code, data: null });
  if ("denied" in c) expect(got.denied, c.name).toContain(c.denied);
}

describe("the enforcement plugins in any order", () => {
  it.each(["registry", "reversed"] as const)(
    "answer each operation as the registry does, before any statement (%s order)",
    async (order) => {
      const plugins = enforcementPlugins({ schema: bare, logger });
      for (const c of CASES) expectAnswer(await answer(order === "reversed" ? [...plugins].reverse() : plugins, c), c);
    },
  );

  it("answer the same whatever the permutation", async () => {
    const plugins = enforcementPlugins({ schema: bare, logger });
    const positions = plugins.map((_, i) => i);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(positions, { minLength: positions.length }),
        fc.constantFrom(...CASES.keys()),
        async (order, i) => {
          expectAnswer(
            await answer(
              order.map((p) => plugins[p]!),
              CASES[i]!,
            ),
            CASES[i]!,
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});
