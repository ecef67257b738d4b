import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Caller,
  DEFAULT_POLICY,
  defaultPurpose,
  type Grant,
  mayDeclare,
  PARTNER_KINDS,
  PURPOSES,
  type Purpose,
  purposesFor,
  STAFF_ROLES,
} from "../../src/policy/index.js";
import { testGrant } from "./testGrant.js";
import { loadFixtureRoles } from "./fixtureTables.js";

const grant: Grant = testGrant({ purposes: ["analytics", "analytics", "nope" as Purpose, "research"] });
const partner: Caller = { kind: "partner", partnerId: "p", partnerKind: "affiliate", partnerRegion: "EU", keyId: "k", grant };

/** Every kind of caller; a partner's grant may repeat purposes and name unknown ones. */
const anyCaller: fc.Arbitrary<Caller> = fc.oneof(
  fc.constant<Caller>({ kind: "anonymous" }),
  fc.constant<Caller>({ kind: "customer", customerId: "c" }),
  fc.constantFrom(...STAFF_ROLES).map((role): Caller => ({ kind: "staff", staffId: "s", role })),
  fc
    .tuple(
      fc.constantFrom(...PARTNER_KINDS),
      fc.array(fc.oneof(fc.constantFrom(...PURPOSES), fc.constantFrom("nope", "")), { maxLength: 5 }),
    )
    .map(([partnerKind, purposes]): Caller => ({ ...partner, partnerKind, grant: { ...grant, purposes: purposes as Purpose[] } })),
);
const declared = fc.oneof(fc.constantFrom<string>(...PURPOSES), fc.constantFrom("nope", "", "ANALYTICS", "constructor"));

describe("caller", () => {
  it("purposesFor: role's purposes, a grant's known purposes, nothing for anonymous", () => {
    expect(purposesFor(DEFAULT_POLICY, { kind: "anonymous" })).toEqual([]);
    expect(purposesFor(DEFAULT_POLICY, { kind: "customer", customerId: "c" })).toEqual(["account_management"]);
    for (const role of STAFF_ROLES) expect(purposesFor(DEFAULT_POLICY, { kind: "staff", staffId: "s", role })).toEqual(design(role));
    expect(purposesFor(DEFAULT_POLICY, partner)).toEqual(["analytics", "research"]);
  });

  it("defaultPurpose: the only purpose of a role or grant that has exactly one", () => {
    expect(defaultPurpose(DEFAULT_POLICY, { kind: "customer", customerId: "c" })).toBe("account_management");
    expect(defaultPurpose(DEFAULT_POLICY, { kind: "anonymous" })).toBeNull();
    for (const role of STAFF_ROLES) {
      expect(defaultPurpose(DEFAULT_POLICY, { kind: "staff", staffId: "s", role }), role).toBe(
        DEFAULT_POLICY.roles[role].length === 1 ? DEFAULT_POLICY.roles[role][0] : null,
      );
    }
    expect(defaultPurpose(DEFAULT_POLICY, { kind: "staff", staffId: "s", role: "legal" })).toBe("legal_compliance");
    expect(defaultPurpose(DEFAULT_POLICY, { kind: "staff", staffId: "s", role: "support_agent" })).toBeNull();
    expect(defaultPurpose(DEFAULT_POLICY, partner)).toBeNull();
    expect(defaultPurpose(DEFAULT_POLICY, { ...partner, grant: { ...partner.grant, purposes: ["marketing"] } })).toBe("marketing");
  });

  it("mayDeclare", () => {
    expect(mayDeclare(DEFAULT_POLICY, partner, "analytics")).toBe(true);
    expect(mayDeclare(DEFAULT_POLICY, partner, "nope")).toBe(false);
    expect(mayDeclare(DEFAULT_POLICY, { kind: "staff", staffId: "s", role: "billing" }, "marketing")).toBe(false);
  });

  it("PARTNER_KINDS are the policy's partner kinds", () => {
    expect(Object.keys(DEFAULT_POLICY.partnerKinds).sort()).toEqual([...PARTNER_KINDS].sort());
  });

  it("for any caller: mayDeclare agrees with purposesFor, which holds known purposes once each, and defaultPurpose is its only one", () => {
    fc.assert(
      fc.property(anyCaller, declared, (caller, purpose) => {
        const own = purposesFor(DEFAULT_POLICY, caller);
        expect(mayDeclare(DEFAULT_POLICY, caller, purpose)).toBe((own as readonly string[]).includes(purpose));
        expect(new Set(own).size).toBe(own.length);
        for (const p of own) expect(PURPOSES).toContain(p);
        expect(defaultPurpose(DEFAULT_POLICY, caller)).toBe(own.length === 1 ? own[0] : null);
      }),
      { seed: 2511, numRuns: 1000 },
    );
  });
});

function design(role: string): string[] {
  return loadFixtureRoles().get(role)!;
}
