import fc from "fast-check";
import { DEFAULT_POLICY } from "../../../src/policy/index.js";
import { describe, expect, it } from "vitest";
import { createStaticCheckPlugin } from "../../../src/enforcement/plugins/createStaticCheckPlugin.js";
import { ceiling } from "../../../src/policy/ceiling.js";
import { purposesFor } from "../../../src/policy/caller.js";
import type { Purpose } from "../../../src/policy/purposes.js";
import { STAFF_ROLES, type StaffRole } from "../../../src/policy/roles.js";
import { contextFor, serverWith, staffCaller, tinySchema } from "./support.js";

/** The static check alone, in memory: the purpose is set as the purpose plugin would have set it. */

const schema = tinySchema();
const { run } = serverWith(schema, [createStaticCheckPlugin({ schema })]);
const FIELDS = { name: "user.name", email: "user.contact.email", card: "user.financial.credit_card" } as const;

/** A request whose purpose the purpose plugin (absent here) has resolved: the static check awaits that resolution. */
function contextUnder(role: StaffRole, purpose: Purpose | null) {
  const ctx = contextFor(schema, staffCaller(role));
  if (purpose) ctx.enforcement.setPurpose(purpose);
  ctx.enforcement.endPurposeResolution();
  return ctx;
}

describe("createStaticCheckPlugin", () => {
  it("rejects the whole operation, before execution, with one FORBIDDEN listing each field the caller can never read, through fragments and aliases", async () => {
    const query = `query Q { a: customer(id: "1") { ...F } customers { email } }
      fragment F on Customer { id who: name card }`;
    const { result } = await run(query, contextUnder("marketing_analyst", "advertising"));
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error!.extensions?.code).toBe("FORBIDDEN");
    expect(error!.extensions?.purpose).toBe("ADVERTISING");
    const denied = error!.extensions?.denied as { coordinate: string; category: string; reason: string }[];
    expect(denied.map((d) => [d.coordinate, d.category])).toEqual([
      ["Customer.card", FIELDS.card],
      ["Customer.name", FIELDS.name],
    ]);
    expect(denied.every((d) => typeof d.reason === "string")).toBe(true);
  });

  it("lets through an operation every field of which the purpose can reach, masked or not", async () => {
    const { result } = await run(`{ customer(id: "1") { name email card } }`, contextUnder("support_agent", "customer_support"));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ customer: { name: "Ada Lovelace", email: "ada@example.com", card: "4242" } });
  });

  it("refuses filtering by a field the purpose gets only pseudonymised or masked (FILTER_NEEDS_FULL_ACCESS)", async () => {
    const query = `{ customers(filter: { email: "x" }) { id } }`;
    const refused = await run(query, contextUnder("marketing_analyst", "analytics"));
    expect(refused.result.errors?.[0]?.extensions?.denied).toEqual([
      expect.objectContaining({ coordinate: "CustomerFilter.email", reason: "FILTER_NEEDS_FULL_ACCESS" }),
    ]);
    expect((await run(query, contextUnder("support_agent", "customer_support"))).result.errors).toBeUndefined();
  });

  it("leaves an operation without a purpose to the rest of the enforcement", async () => {
    expect((await run("{ __typename }", contextUnder("marketing_analyst", null))).result.errors).toBeUndefined();
  });

  it("refuses exactly when a selected field's ceiling for the caller and purpose is deny", async () => {
    const roleAndPurpose = fc.constantFrom(
      ...STAFF_ROLES.flatMap((role) => purposesFor(DEFAULT_POLICY, staffCaller(role)).map((p) => [role, p] as const)),
    );
    const fields = fc.subarray(Object.keys(FIELDS) as (keyof typeof FIELDS)[], { minLength: 1 });
    await fc.assert(
      fc.asyncProperty(roleAndPurpose, fields, async ([role, purpose], selected) => {
        const { result } = await run(`{ customer(id: "1") { ${selected.join(" ")} } }`, contextUnder(role, purpose));
        const expected = selected
          .filter((f) => ceiling(DEFAULT_POLICY, staffCaller(role), purpose, FIELDS[f]).effect === "deny")
          .map((f) => `Customer.${f}`)
          .sort();
        const denied = ((result.errors?.[0]?.extensions?.denied ?? []) as { coordinate: string }[]).map((d) => d.coordinate);
        expect(denied).toEqual(expected);
      }),
      { numRuns: 80 },
    );
  });
});
