import { eq } from "drizzle-orm";
import { execute, parse } from "graphql";
import { DEFAULT_POLICY } from "../../src/policy/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { customers, profiles } from "../../src/db/schema/index.js";
import { seed } from "../../src/db/seed/seed.js";
import { createEnforcement } from "../../src/enforcement/createEnforcement.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { loadConfig } from "../../src/server/config.js";
import { createContext } from "../../src/server/createContext.js";
import { createLogger } from "../../src/server/logger.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

/**
 * Fail closed at run time: an operation admitted without a purpose (the purpose plugin found it
 * reads nothing personal) that meets a personal value, an id or a subject all the same gets none
 * of them, and nothing is recorded. The static analysis keeps such operations from getting here;
 * this holds the run-time half through the modules the server uses, in both executors.
 */

let database: DatabaseHandle;
let subject: { id: string; email: string };
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, { customers: 5, seed: 3 });
  const [row] = await database.db
    .select({ id: customers.id, email: profiles.email })
    .from(customers)
    .innerJoin(profiles, eq(profiles.customerId, customers.id))
    .where(eq(customers.status, "active"))
    .limit(1);
  subject = { id: row!.id, email: row!.email! };
});
afterAll(async () => {
  await database?.close();
});

describe.each(["guards", "shield"] as const)("an operation executing without a purpose (%s)", (executor) => {
  const run = async (query: string) => {
    const logger = createLogger({ level: "silent" });
    const { schema, dataMap } = createEnforcement(await buildGatewaySchema(), { logger, executor });
    const ctx = createContext(
      { requestId: crypto.randomUUID(), caller: { kind: "customer", customerId: subject.id }, headers: {} },
      {
        db: database.db,
        dataMap,
        pseudonymKey: loadConfig({}).pseudonymKey,
        logger,
        policy: { file: "default", current: () => DEFAULT_POLICY, reload: async () => ({ policy: DEFAULT_POLICY, errors: [] }) },
      },
    );
    ctx.enforcement.executeWithoutPurpose();
    const result = await execute({ schema, document: parse(query), contextValue: ctx });
    return { result, text: JSON.stringify(result), recorded: ctx.enforcement.disclosures().size };
  };
  const codes = (result: Awaited<ReturnType<typeof run>>["result"]) =>
    (result.errors ?? []).map((e) => (e.originalError as { code?: string } | undefined)?.code);

  it("is refused every personal value it meets (FORBIDDEN), and records nothing", async () => {
    const { result, text, recorded } = await run("{ me { status residency profile { email fullName } } }");
    expect(text).not.toContain(subject.email);
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(new Set(codes(result))).toEqual(new Set(["FORBIDDEN"]));
    expect(recorded).toBe(0);
  });

  it("is refused a subject's id (PURPOSE_REQUIRED: ids leave in a purpose's scope), and records nothing", async () => {
    const { result, text, recorded } = await run(`{ me { id } customer(id: "${subject.id}") { residency } }`);
    expect(text).not.toContain(subject.id);
    expect(codes(result)).toContain("PURPOSE_REQUIRED");
    expect(recorded).toBe(0);
  });
});
