// A request decides under the policy in force when it started: a reload during it changes the
// next request, not this one (its decisions, its disclosure records, its log line).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { disclosureRecords } from "../../src/enforcement/disclosureRecords.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { FieldOutcomes } from "../../src/enforcement/FieldOutcomes.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { DEFAULT_POLICY, DEFAULT_POLICY_PATH, loadPolicy, type Policy } from "../../src/policy/index.js";
import { createContext } from "../../src/server/createContext.js";
import { createLogger } from "../../src/server/logger.js";
import type { PolicyInForce } from "../../src/server/policyInForce.js";

describe("a request in flight during a reload", () => {
  it("keeps the policy it started with; the next request takes the new one", async () => {
    const dataMap = getDataMap(await buildGatewaySchema());
    const next = loadPolicy(readFileSync(DEFAULT_POLICY_PATH, "utf8").replace('version: "2026-11-01"', 'version: "2026-12-01"'));
    if (!next.ok) throw new Error("does not load");
    let current: Policy = DEFAULT_POLICY;
    const file: PolicyInForce = {
      file: "company.policy.yaml",
      current: () => current,
      reload: async () => ({ policy: (current = next.policy), errors: [] }),
    };
    const deps = { db: null as never, dataMap, pseudonymKey: new Uint8Array(32), logger: createLogger({ level: "silent" }), policy: file };
    const caller = { kind: "staff", staffId: "s-1", role: "support_agent" } as const;
    const inFlight = createContext({ requestId: "a".repeat(32), caller, headers: {} }, deps);
    inFlight.enforcement.setPurpose("customer_support");

    await file.reload("api");
    const after = createContext({ requestId: "b".repeat(32), caller, headers: {} }, deps);

    expect(inFlight.enforcement.policy.version).toBe(DEFAULT_POLICY.version);
    expect(after.enforcement.policy.version).toBe(next.policy.version);
    const subject = new Map([["00000000-0000-4000-8000-000000000001", new FieldOutcomes(dataMap.coordinates.length)]]);
    expect(disclosureRecords(inFlight, subject)[0]!.policyVersion).toBe(DEFAULT_POLICY.version);
  });
});
