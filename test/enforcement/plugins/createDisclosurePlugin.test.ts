import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { disclosureLog } from "../../../src/db/schema/index.js";
import type { DisclosureRow } from "../../../src/db/schema/index.js";
import type { DisclosureWrite } from "../../../src/enforcement/createDisclosureWriter.js";
import { createDisclosurePlugin } from "../../../src/enforcement/plugins/createDisclosurePlugin.js";
import type { GatewayContext } from "../../../src/graphql/context.js";
import { createTestDatabase } from "../../helpers/testDatabase.js";
import { capturingLogger, contextFor, serverWith, staffCaller, tinyRoot, tinySchema } from "./support.js";

/**
 * The disclosure plugin alone: a fake write in memory (what it is handed, when the answer waits
 * for it, what a failed write does), then the default writer on a real database.
 */

const schema = tinySchema();
const SUBJECTS = ["6f1c1a52-0000-4000-8000-000000000001", "6f1c1a52-0000-4000-8000-000000000002"];
const READ = `{ a: customer(id: "${SUBJECTS[0]}") { id name card } b: customer(id: "${SUBJECTS[1]}") { id name } }`;

/** Root resolvers that record as the gateway's do: each subject by its id, its card withheld. */
const recordingRoot = {
  ...tinyRoot,
  customer: ({ id }: { id: string }, ctx: GatewayContext) => {
    ctx.enforcement.subjectIdentified(id);
    const card = ctx.enforcement.dataMap.fields.get("Customer.card")!;
    return {
      ...tinyRoot.customer({ id }),
      card: () => {
        throw ctx.enforcement.withheld(id, card, { code: "OPTED_OUT", message: "opted out" });
      },
    };
  },
};

function setUp(write: DisclosureWrite) {
  const { logger, lines } = capturingLogger();
  const onDisclosureLogFailure = vi.fn();
  const { run } = serverWith(schema, [createDisclosurePlugin({ logger, write, onDisclosureLogFailure })], recordingRoot);
  const ctx = () => {
    const c = contextFor(schema, staffCaller("support_agent"));
    c.enforcement.setPurpose("customer_support");
    return c;
  };
  return { run, ctx, lines, onDisclosureLogFailure };
}

describe("createDisclosurePlugin", () => {
  it("hands the write one row per subject, coordinates only, and answers only once it is committed, saying what was withheld", async () => {
    let commit!: () => void;
    const written: DisclosureRow[][] = [];
    const { run, ctx } = setUp((_db, rows) => {
      written.push(rows);
      return new Promise<void>((resolve) => {
        commit = resolve;
      });
    });
    let answered = false;
    const answer = run(READ, ctx()).then((r) => {
      answered = true;
      return r;
    });
    await vi.waitFor(() => expect(written).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    commit();
    const { result } = await answer;
    const rows = written[0]!;
    expect(rows.map((r) => [r.customerId, r.purpose, r.disclosed, r.withheld])).toEqual([
      [SUBJECTS[0], "customer_support", ["Customer.id"], ["Customer.card"]],
      [SUBJECTS[1], "customer_support", ["Customer.id"], []],
    ]);
    expect(JSON.stringify(rows)).not.toContain("Ada");
    expect(result.extensions?.privacy).toEqual({ purpose: "customer_support", masked: [], pseudonymized: [], withheld: ["Customer.card"] });
  });

  it("writes nothing and adds nothing for a request that disclosed nothing", async () => {
    const write = vi.fn<DisclosureWrite>(async () => {});
    const { run, ctx } = setUp(write);
    const { result } = await run("{ customers { id } }", ctx());
    expect(write).not.toHaveBeenCalled();
    expect(result.extensions).toBeUndefined();
  });

  it("an answer whose data an error nulled records its withheld cells and the subjects it found by id, which its errors can tell", async () => {
    const written: DisclosureRow[][] = [];
    const { logger } = capturingLogger();
    const failing = {
      ...recordingRoot,
      customers: () => {
        throw new Error("no page");
      },
    };
    const { run } = serverWith(schema, [createDisclosurePlugin({ logger, write: async (_db, rows) => void written.push(rows) })], failing);
    const ctx = contextFor(schema, staffCaller("support_agent"));
    ctx.enforcement.setPurpose("customer_support");
    const { result } = await run(`{ a: customer(id: "${SUBJECTS[0]}") { id name card } b: customers { id } }`, ctx);
    expect(result.data).toBeNull();
    expect(written.flat().map((r) => [r.customerId, r.disclosed, r.withheld])).toEqual([[SUBJECTS[0], ["Customer.id"], ["Customer.card"]]]);
    expect(result.extensions?.privacy).toEqual({ purpose: "customer_support", masked: [], pseudonymized: [], withheld: ["Customer.card"] });
  });

  it("fails closed when the write fails: no data, one DISCLOSURE_NOT_RECORDED (503), counted once, logged without values", async () => {
    const { run, ctx, lines, onDisclosureLogFailure } = setUp(async () => {
      throw Object.assign(new Error("Ada Lovelace"), { code: "ECONNRESET" });
    });
    const { status, result } = await run(READ, ctx());
    expect(status).toBe(503);
    expect(result.data).toBeNull();
    expect(result.extensions).toBeUndefined();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["DISCLOSURE_NOT_RECORDED"]);
    expect(onDisclosureLogFailure).toHaveBeenCalledTimes(1);
    expect(lines.join("")).toContain("ECONNRESET");
    expect(lines.join("")).not.toContain("Ada");
  });

  it("by default commits the records to the database's disclosure log before the answer leaves", async () => {
    const database = await createTestDatabase();
    try {
      const { logger } = capturingLogger();
      const { run } = serverWith(schema, [createDisclosurePlugin({ logger })], recordingRoot);
      const ctx = contextFor(schema, staffCaller("support_agent"), { db: database.db });
      ctx.enforcement.setPurpose("customer_support");
      const { result } = await run(READ, ctx);
      expect(result.extensions?.privacy).toBeDefined();
      const rows = await database.db.select().from(disclosureLog).where(eq(disclosureLog.requestId, ctx.requestId));
      expect(rows.map((r) => [r.customerId, r.withheld]).sort()).toEqual([
        [SUBJECTS[0], ["Customer.card"]],
        [SUBJECTS[1], []],
      ]);
    } finally {
      await database.close();
    }
  });
});
