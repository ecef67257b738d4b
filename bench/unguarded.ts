/**
 * The benchmark's baseline: the same gateway with NO privacy enforcement. Bench-only; nothing
 * in src/ imports this file, and it must stay that way.
 *
 * It is `createGateway` from src/ unchanged (same HTTP handling, authentication, Apollo options,
 * formatError, loaders, per-request context), given the bare schema from `buildGatewaySchema()`
 * (no graphql-shield, no value transforms) and none of the enforcement plugins (no purpose check,
 * no static check, no GPC, no disclosure log). The resolvers still read `ctx.enforcement`
 * (`visibleSubjects()`, `isVisible()`, `purpose`), so one bench plugin replaces the request's
 * enforcement with a pass-through once the operation is resolved: every subject visible, every
 * value as stored, nothing recorded.
 *
 * Why a plugin: `createGateway` has no option to supply the context or the enforcement. Apollo
 * clones the context once per operation before `requestDidStart`, and that clone is the object
 * plugins receive and resolvers see, so a property replaced in `didResolveOperation` is what the
 * resolvers read. (A `createContext`/`requestEnforcement` option on `createGateway` would be the
 * clean hook; see the report.)
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { sql } from "drizzle-orm";
import { getDirectiveValues, type GraphQLSchema } from "graphql";
import type { DatabaseHandle } from "../src/db/client.js";
import type { RequestEnforcement } from "../src/enforcement/createRequestEnforcement.js";
import { getDataMap } from "../src/enforcement/dataMap.js";
import type { FieldOutcomes } from "../src/enforcement/FieldOutcomes.js";
import { buildGatewaySchema } from "../src/graphql/buildGatewaySchema.js";
import { createLoaders } from "../src/graphql/loaders.js";
import type { GatewayContext } from "../src/graphql/context.js";
import type { Decision } from "../src/policy/decide.js";
import { isPurpose, type Purpose } from "../src/policy/purposes.js";
import type { Config } from "../src/server/config.js";
import { createGateway, type Gateway } from "../src/server/createGateway.js";
import type { Logger } from "../src/server/logger.js";
import { openPolicy } from "../src/server/policyInForce.js";

const ALLOW: Decision = { effect: "allow", reason: { code: "ALLOWED", message: "unguarded benchmark baseline" } };
const NO_DISCLOSURES: ReadonlyMap<string, FieldOutcomes> = new Map();

/**
 * Enforcement that enforces nothing: all subjects visible, values as stored, nothing recorded.
 * Methods not overridden here (added to RequestEnforcement later) fall through to the real
 * request enforcement, whose purpose stays null: they deny, and the benchmark's check of the
 * unguarded answer (no errors, a full page) fails loudly rather than measuring the wrong thing.
 */
export function passThroughEnforcement(base: RequestEnforcement, purpose: Purpose | null): RequestEnforcement {
  return {
    ...base,
    get purpose() {
      return purpose;
    },
    setPurpose(resolved: Purpose) {
      purpose = resolved;
    },
    visibleSubjects: () => sql`true`,
    decideFor: async () => ALLOW,
    decideAs: async () => ALLOW,
    apply: async (_customerId, _field, value) => value ?? null,
    subjectStateColumns: undefined, // pages select no subject state:
    preload: async () => {}, // none is needed when nothing is decided
    isVisible: async () => true,
    isVisibleAs: async () => true,
    lookedUp: () => true,
    subjectIdentified: () => true,
    identified: () => {},
    compared: () => {},
    disclosures: () => NO_DISCLOSURES,
  };
}

/** Swaps each request's enforcement for the pass-through, keeping the declared purpose for resolvers that read it. */
function passThroughPlugin(schema: GraphQLSchema): ApolloServerPlugin<GatewayContext> {
  const directive = schema.getDirective("purpose");
  if (!directive) throw new Error("the schema lacks the @purpose directive");
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue, request }) {
          const declared = operation ? getDirectiveValues(directive, operation, request.variables ?? {})?.name : undefined;
          const header = contextValue.headerPurpose;
          const purpose =
            typeof declared === "string" && isPurpose(declared) ? declared : header !== null && isPurpose(header) ? header : null;
          // The real enforcement keeps the purpose too: what it still serves (the request's ids) follows from it.
          if (purpose !== null) contextValue.enforcement.setPurpose(purpose);
          contextValue.enforcement = passThroughEnforcement(contextValue.enforcement, purpose);
          // Loaders without the enforcement's hook: customer rows bring no subject state.
          contextValue.loaders = createLoaders(contextValue.db);
        },
      };
    },
  };
}

/** Gateway (B): `createGateway` over the bare schema, with the pass-through and no enforcement plugin. */
export async function createUnguardedGateway(options: { config: Config; database: DatabaseHandle; logger: Logger }): Promise<Gateway> {
  const schema = await buildGatewaySchema();
  return createGateway({
    ...options,
    schema,
    dataMap: getDataMap(schema),
    plugins: [passThroughPlugin(schema)],
    policy: await openPolicy({ file: options.config.policyFile, schemaCategories: getDataMap(schema).categories, logger: options.logger }),
  });
}
