import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, isStaffRole, ROLES, STAFF_ROLES } from "../../src/policy/index.js";
import { loadFixtureRoles } from "./fixtureTables.js";

describe("roles", () => {
  const design = loadFixtureRoles();

  it("DEFAULT_POLICY.roles equals DESIGN's roles table", () => {
    expect([...ROLES]).toEqual([...design.keys()]);
    expect([...STAFF_ROLES]).toEqual([...design.keys()].filter((r) => r !== "customer"));
    for (const role of ROLES) expect([...DEFAULT_POLICY.roles[role]], role).toEqual(design.get(role));
  });

  it("ROLES is customer then the staff roles", () => {
    expect(ROLES).toEqual(["customer", ...STAFF_ROLES]);
  });

  it("isStaffRole accepts exactly the staff roles: not customer, not another spelling, not a non-string", () => {
    for (const role of STAFF_ROLES) expect(isStaffRole(role)).toBe(true);
    for (const s of ["customer", "BILLING", "billing ", "", "toString", "__proto__", null, undefined, 1, ["legal"], { role: "legal" }]) {
      expect(isStaffRole(s), String(s)).toBe(false);
    }
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom<unknown>(...ROLES), fc.anything()), (s) => {
        expect(isStaffRole(s)).toBe(typeof s === "string" && (STAFF_ROLES as readonly string[]).includes(s));
      }),
      { seed: 2512, numRuns: 1000 },
    );
  });
});
