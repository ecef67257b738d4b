import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/db/client.js";
import { consentEvents, customers } from "../../../src/db/schema/index.js";
import { seed } from "../../../src/db/seed/seed.js";
import { createGpcPlugin } from "../../../src/enforcement/plugins/createGpcPlugin.js";
import { latestConsent } from "../../../src/db/consent/consentQueries.js";
import type { GatewayContext } from "../../../src/graphql/context.js";
import type { Caller } from "../../../src/policy/caller.js";
import { createTestDatabase } from "../../helpers/testDatabase.js";
import { contextFor, customerCaller, serverWith, staffCaller, tinyRoot, tinySchema } from "./support.js";

/** The GPC plugin alone, on a real database: a customer's `Sec-GPC: 1` is recorded before the operation runs, nothing else is. */

const schema = tinySchema();
let database: DatabaseHandle;
let subjects: string[];
/** What the operation saw of the subject's advertising choice when it ran. */
let seenByOperation: string | null | undefined;
const root = {
  ...tinyRoot,
  me: async (_args: unknown, ctx: GatewayContext) => {
    const customerId = ctx.caller.kind === "customer" ? ctx.caller.customerId : "";
    seenByOperation = (await latestConsent(ctx.db, customerId, "advertising", null))?.source ?? null;
    return tinyRoot.me();
  },
};
const { run } = serverWith(schema, [createGpcPlugin()], root);

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, { customers: 4, seed: 3 });
  subjects = (await database.db.select({ id: customers.id }).from(customers)).map((c) => c.id);
  // Start from no advertising choice at all, whatever the seed made.
  await database.db.delete(consentEvents).where(eq(consentEvents.purpose, "advertising"));
});
afterAll(() => database?.close());

const gpcEvents = (customerId: string) =>
  database.db
    .select()
    .from(consentEvents)
    .where(and(eq(consentEvents.customerId, customerId), eq(consentEvents.purpose, "advertising")));

async function send(caller: Caller, headers: Record<string, string>, query = "{ me { id } }") {
  seenByOperation = undefined;
  const { result } = await run(query, contextFor(schema, caller, { headers, db: database.db }));
  expect(result.errors).toBeUndefined();
}

describe("createGpcPlugin", () => {
  it("records a customer's signal as an advertising opt-out before the operation runs", async () => {
    await send(customerCaller(subjects[0]), { "sec-gpc": "1" });
    expect(seenByOperation).toBe("gpc");
    expect((await gpcEvents(subjects[0]!)).map((e) => [e.granted, e.source])).toEqual([[false, "gpc"]]);
  });

  it("records nothing without the signal, for another value of the header, or for staff", async () => {
    await send(customerCaller(subjects[1]), {});
    await send(customerCaller(subjects[1]), { "sec-gpc": "0" });
    expect(seenByOperation).toBeNull();
    await send(staffCaller("support_agent"), { "sec-gpc": "1" }, "{ customers { id } }");
    expect(await gpcEvents(subjects[1]!)).toEqual([]);
    expect((await database.db.select().from(consentEvents).where(eq(consentEvents.source, "gpc"))).map((e) => e.customerId)).toEqual([
      subjects[0],
    ]);
  });
});
