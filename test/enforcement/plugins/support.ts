import { Writable } from "node:stream";
import { defaultPolicyInForce } from "../../helpers/defaultPolicyInForce.js";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { MapperKind, mapSchema } from "@graphql-tools/utils";
import { buildSchema, GraphQLEnumType, type GraphQLSchema } from "graphql";
import type { Database } from "../../../src/db/client.js";
import { getDataMap } from "../../../src/enforcement/dataMap.js";
import { purposeName } from "../../../src/policy/purposeName.js";
import type { GatewayContext } from "../../../src/graphql/context.js";
import type { Caller } from "../../../src/policy/caller.js";
import { PURPOSES } from "../../../src/policy/purposes.js";
import type { StaffRole } from "../../../src/policy/roles.js";
import { createContext } from "../../../src/server/createContext.js";
import { createLogger, type Logger } from "../../../src/server/logger.js";

/**
 * A plugin under test on its own: a tiny schema marked as the gateway's is (`@personal`,
 * `@purpose`, a `Customer` subject), an Apollo server with the plugin and nothing else, and a
 * request context built as the gateway builds it, over no database unless the test gives one.
 */

const SDL = `
  directive @personal(category: String!) on FIELD_DEFINITION | INPUT_FIELD_DEFINITION | ARGUMENT_DEFINITION
  directive @purpose(name: Purpose!) on QUERY | MUTATION
  enum Purpose { ${PURPOSES.map(purposeName).join(" ")} }
  type Query {
    me: Customer
    customer(id: ID!): Customer
    customers(first: Int, filter: CustomerFilter): [Customer!]!
    myGrant: Grant
  }
  input CustomerFilter { email: String @personal(category: "user.contact.email") }
  type Mutation { setConsent(granted: Boolean!): Boolean }
  type Grant { purposes: [String!]! }
  type Customer {
    id: ID!
    name: String @personal(category: "user.name")
    email: String @personal(category: "user.contact.email")
    card: String @personal(category: "user.financial.credit_card")
  }
`;

/** The tiny schema; `Purpose` values are the policy's purposes, as in the gateway's enum. */
export function tinySchema(): GraphQLSchema {
  return mapSchema(buildSchema(SDL), {
    [MapperKind.ENUM_TYPE]: (type) =>
      type.name !== "Purpose"
        ? type
        : new GraphQLEnumType({
            ...type.toConfig(),
            values: Object.fromEntries(PURPOSES.map((p) => [purposeName(p), { value: p }])),
          }),
  });
}

/** Resolvers of the tiny schema: a subject whose id is the one asked for, values made up. */
export const tinyRoot = {
  me: () => ({ id: "me", name: "Ada Lovelace", email: "ada@example.com", card: "4242" }),
  customer: ({ id }: { id: string }) => ({ id, name: "Ada Lovelace", email: "ada@example.com", card: "4242" }),
  customers: () => [],
  myGrant: () => ({ purposes: [] }),
  setConsent: () => true,
};

/** A database no plugin test without one may touch: any use throws. */
export const NO_DATABASE = new Proxy(
  {},
  {
    get: (_, key) => {
      throw new Error(`no database in this test (used: ${String(key)})`);
    },
  },
) as Database;

export const customerCaller = (customerId = "c-1"): Caller => ({ kind: "customer", customerId });
export const staffCaller = (role: StaffRole): Caller => ({ kind: "staff", staffId: "s-1", role });

/** A logger whose lines the test reads. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: "info", destination: sink }), lines };
}

/** The request context the gateway would build for this caller and these headers. */
export function contextFor(
  schema: GraphQLSchema,
  caller: Caller,
  options: { headers?: Record<string, string>; db?: Database } = {},
): GatewayContext {
  return createContext(
    { requestId: "00000000-0000-4000-8000-000000000001", caller, headers: options.headers ?? {} },
    {
      db: options.db ?? NO_DATABASE,
      dataMap: getDataMap(schema),
      pseudonymKey: new Uint8Array(32),
      logger: capturingLogger().logger,
      policy: defaultPolicyInForce,
    },
  );
}

/**
 * An Apollo server over the schema with only the given plugins (root resolvers: tinyRoot unless
 * given); `run` executes one operation in a context.
 */
export function serverWith<C extends GatewayContext>(
  schema: GraphQLSchema,
  plugins: ApolloServerPlugin<C>[],
  rootValue: object = tinyRoot,
) {
  const server = new ApolloServer<C>({ schema, plugins, rootValue, includeStacktraceInErrorResponses: false });
  return {
    server,
    async run(query: string, contextValue: C, variables?: Record<string, unknown>) {
      const res = await server.executeOperation({ query, variables }, { contextValue });
      if (res.body.kind !== "single") throw new Error("expected a single result");
      return { status: res.http.status, result: res.body.singleResult };
    },
  };
}
