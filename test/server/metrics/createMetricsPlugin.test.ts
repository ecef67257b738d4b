import { describe, expect, it, vi } from "vitest";
import { createMetrics } from "../../../src/server/metrics/createMetrics.js";
import { createMetricsPlugin } from "../../../src/server/metrics/createMetricsPlugin.js";
import { observationOf, startObservation, type ObservedContext } from "../../../src/server/metrics/requestObservation.js";
import { contextFor, customerCaller, serverWith, staffCaller, tinyRoot, tinySchema } from "../../enforcement/plugins/support.js";
import type { Caller } from "../../../src/policy/caller.js";

/** The metrics plugin alone, in memory: what it hands the request's observation, and the decision tally it adds once. */

const schema = tinySchema();
const unreachable = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
const faulty = new Error("a resolver's own fault");
const root = {
  ...tinyRoot,
  customer: ({ id }: { id: string }) => {
    if (id === "down") throw unreachable;
    if (id === "bug") throw faulty;
    return tinyRoot.customer({ id });
  },
};
const metrics = createMetrics();
const decisionsApplied = vi.spyOn(metrics, "decisionsApplied");
const { run } = serverWith<ObservedContext>(schema, [createMetricsPlugin({ metrics })], root);

async function observe(query: string, caller: Caller = staffCaller("support_agent"), purpose: "claims" | null = "claims") {
  const ctx: ObservedContext = { ...contextFor(schema, caller), observation: startObservation("r-1", "/graphql") };
  if (purpose) ctx.enforcement.setPurpose(purpose);
  decisionsApplied.mockClear();
  const { result } = await run(query, ctx);
  return { observation: ctx.observation, result, ctx };
}

describe("createMetricsPlugin", () => {
  it("labels the operation by its type and distinct root fields, sorted, never by the name the client chose", async () => {
    const { observation } = await observe(
      'query ada_lovelace_example_com { me { id } c2: customer(id: "1") { id } customer(id: "2") { id } }',
      customerCaller(),
    );
    expect(observation.operation).toBe("query customer,me");
    expect(JSON.stringify(observation)).not.toContain("ada_lovelace");
    expect((await observe("{ nosuchfield }")).observation.operation).toBeNull();
  });

  it("hands over the purpose and the response body, and adds the request's decision tally once, only under a purpose", async () => {
    const { observation, result, ctx } = await observe('{ customer(id: "1") { name } }');
    expect(observation.purpose).toBe("claims");
    expect(observation.result).toEqual(result);
    expect(decisionsApplied.mock.calls).toEqual([["claims", ctx.enforcement.decisionTally()]]);
    const without = await observe("{ myGrant { purposes } }", staffCaller("support_agent"), null);
    expect(without.observation.purpose).toBeNull();
    expect(decisionsApplied).not.toHaveBeenCalled();
  });

  it("tags each error met with the request, and keeps the first database-unreachable one (the answer becomes 503)", async () => {
    const { observation } = await observe('{ a: customer(id: "bug") { id } b: customer(id: "down") { id } }');
    expect(observationOf(faulty)).toBe(observation);
    expect(observationOf(unreachable)).toBe(observation);
    expect(observation.databaseError).toBe(unreachable);
    expect((await observe('{ customer(id: "bug") { id } }')).observation.databaseError).toBeNull();
  });
});
