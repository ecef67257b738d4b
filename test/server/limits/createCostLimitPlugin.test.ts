import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCostLimitPlugin } from "../../../src/server/limits/createCostLimitPlugin.js";
import { contextFor, serverWith, staffCaller, tinySchema } from "../../enforcement/plugins/support.js";

/** The cost limit plugin alone, in memory: cost and selection limits before execution, with the variables known. */

const schema = tinySchema();
const MAX_COST = 300;
const { run } = serverWith(schema, [createCostLimitPlugin({ schema, maxCost: MAX_COST, maxFields: 12, defaultListSize: 100 })]);
const ctx = () => contextFor(schema, staffCaller("support_agent"));
const PAGE = "query Page($n: Int) { customers(first: $n) { id name } }";
const limitOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions;

describe("createCostLimitPlugin", () => {
  it("prices `first: $n` at what $n is, per request on the same document: refused exactly above the limit, before execution", async () => {
    // A page costs (1 + its two fields) per customer, times `first`.
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -5, max: 400 }), async (n) => {
        const { result } = await run(PAGE, ctx(), { n });
        const cost = 3 * Math.max(n, 1);
        if (cost > MAX_COST) {
          expect(limitOf(result)).toEqual({ code: "QUERY_LIMIT_EXCEEDED", limit: "cost", max: MAX_COST, found: cost });
          expect(result.data).toBeUndefined();
        } else {
          expect(result.errors).toBeUndefined();
        }
      }),
      { numRuns: 60 },
    );
  });

  it("prices a list without `first` at the default list size", async () => {
    expect((await run("{ customers { id name } }", ctx())).result.errors).toBeUndefined(); // 300: at the limit
    expect(limitOf((await run("{ customers { id name email } }", ctx())).result)).toMatchObject({ limit: "cost", found: 400 });
  });

  it("counts selections through every fragment expansion", async () => {
    const query = '{ customer(id: "1") { ...F ...F ...F } } fragment F on Customer { id name email card }';
    expect(limitOf((await run(query, ctx())).result)).toMatchObject({ code: "QUERY_LIMIT_EXCEEDED", limit: "fields", max: 12 });
    expect(
      (await run('{ customer(id: "1") { ...F } } fragment F on Customer { id name email card }', ctx())).result.errors,
    ).toBeUndefined();
  });

  it("answers an invalid variable as a bad input, not as a cost", async () => {
    expect(limitOf((await run(PAGE, ctx(), { n: "many" })).result)?.code).toBe("BAD_USER_INPUT");
  });
});
