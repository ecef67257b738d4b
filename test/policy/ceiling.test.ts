import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CATEGORIES,
  type Caller,
  callerDecision,
  ceiling,
  DEFAULT_POLICY,
  EFFECT_ORDER,
  type Grant,
  grantedReason,
  hasTransferBasis,
  matrixCell,
  PARTNER_KINDS,
  PURPOSES,
  type Purpose,
  STAFF_ROLES,
} from "../../src/policy/index.js";

const grant: Grant = {
  id: "g1",
  purposes: ["analytics"],
  categories: ["user.behavior"],
  subjectScope: "all",
  regions: ["EU"],
  transferBasis: null,
  validFrom: new Date(0),
  validUntil: new Date(0),
};
const partner = (g: Partial<Grant> = {}, partnerRegion = "EU"): Extract<Caller, { kind: "partner" }> => ({
  kind: "partner",
  partnerId: "p1",
  partnerKind: "affiliate",
  partnerRegion,
  keyId: "k",
  grant: { ...grant, ...g },
});
/** A category analytics may read (not denied by the matrix) inside the grant, and one outside it. */
const inGrant = CATEGORIES.find((c) => c.startsWith("user.behavior.") && matrixCell(DEFAULT_POLICY, "analytics", c) !== "deny")!;
const outsideGrant = CATEGORIES.find((c) => !c.startsWith("user.behavior") && matrixCell(DEFAULT_POLICY, "analytics", c) !== "deny")!;
const billing: Caller = { kind: "staff", staffId: "s", role: "billing" };

const anyCaller: fc.Arbitrary<Caller> = fc.oneof(
  fc.constant<Caller>({ kind: "anonymous" }),
  fc.constant<Caller>({ kind: "customer", customerId: "c" }),
  fc.constantFrom(...STAFF_ROLES).map((role): Caller => ({ kind: "staff", staffId: "s", role })),
  fc
    .record({
      partnerKind: fc.constantFrom(...PARTNER_KINDS),
      purposes: fc.subarray([...PURPOSES]),
      categories: fc.subarray(["user", "user.contact", "user.behavior", "user.device"]),
      regions: fc.subarray(["EU", "US", "UK"]),
      transferBasis: fc.constantFrom(null, "", " ", "SCC"),
      partnerRegion: fc.constantFrom("EU", "US"),
    })
    .map(({ partnerKind, partnerRegion, ...g }): Caller => ({ ...partner(g, partnerRegion), partnerKind })),
);
const rank = (e: string) => EFFECT_ORDER.indexOf(e as (typeof EFFECT_ORDER)[number]);

describe("ceiling", () => {
  it("grantedReason gives each disclosing effect its reason", () => {
    expect(grantedReason("allow", "payments", "user.name").code).toBe("ALLOWED");
    expect(grantedReason("mask", "payments", "user.name").code).toBe("MASKED");
    expect(grantedReason("pseudonymize", "payments", "user.name").code).toBe("PSEUDONYMIZED");
  });

  it("hasTransferBasis: only a basis that names something counts", () => {
    expect(hasTransferBasis({ ...grant, transferBasis: "SCC" })).toBe(true);
    for (const none of [null, "", "   ", "\t\n"]) expect(hasTransferBasis({ ...grant, transferBasis: none })).toBe(false);
    fc.assert(
      fc.property(fc.option(fc.string({ maxLength: 8 })), (basis) => {
        expect(hasTransferBasis({ ...grant, transferBasis: basis })).toBe(basis !== null && basis.trim() !== "");
      }),
      { seed: 2518, numRuns: 500 },
    );
  });

  it("callerDecision denies in decide's order: unknown category, anonymous, undeclarable purpose, matrix, grant category", () => {
    const code = (caller: Caller, purpose: Purpose, category: string) =>
      callerDecision(DEFAULT_POLICY, caller, purpose, category).reason.code;
    expect(code({ kind: "anonymous" }, "marketing", "user.nonexistent")).toBe("UNKNOWN_CATEGORY");
    expect(code({ kind: "anonymous" }, "payments", "user.name")).toBe("ANONYMOUS");
    expect(code(billing, "marketing", "user.name")).toBe("PURPOSE_NOT_ALLOWED");
    expect(code({ kind: "customer", customerId: "c" }, "marketing", "user.name")).toBe("PURPOSE_NOT_ALLOWED");
    expect(code(partner(), "marketing", outsideGrant)).toBe("GRANT_PURPOSE");
    expect(code(billing, "payments", "user.authorization.credentials")).toBe("PURPOSE_EXCLUDES_CATEGORY");
    expect(code(partner(), "analytics", "user.authorization.credentials")).toBe("PURPOSE_EXCLUDES_CATEGORY");
    expect(code(partner(), "analytics", outsideGrant)).toBe("GRANT_CATEGORY");
    const granted = callerDecision(DEFAULT_POLICY, partner(), "analytics", inGrant);
    expect(granted).toEqual({
      effect: matrixCell(DEFAULT_POLICY, "analytics", inGrant),
      reason: grantedReason(matrixCell(DEFAULT_POLICY, "analytics", inGrant) as "allow", "analytics", inGrant),
    });
  });

  it("denies a partner whose grant reaches no residency; a transfer basis lets it reach other regions", () => {
    expect(ceiling(DEFAULT_POLICY, partner({ regions: [] }), "analytics", inGrant).reason.code).toBe("OUT_OF_REGION");
    expect(ceiling(DEFAULT_POLICY, partner({ regions: ["US"] }), "analytics", inGrant).reason.code).toBe("TRANSFER_NOT_PERMITTED");
    expect(ceiling(DEFAULT_POLICY, partner({ regions: ["US"], transferBasis: " " }), "analytics", inGrant).reason.code).toBe(
      "TRANSFER_NOT_PERMITTED",
    );
    expect(ceiling(DEFAULT_POLICY, partner({ regions: ["US"], transferBasis: "SCC" }), "analytics", inGrant)).toEqual(
      callerDecision(DEFAULT_POLICY, partner(), "analytics", inGrant),
    );
    expect(ceiling(DEFAULT_POLICY, partner({ regions: ["US", "EU"] }), "analytics", inGrant).effect).not.toBe("deny");
  });

  it("for any caller, purpose and category: at most callerDecision and the matrix cell, equal to callerDecision but for a partner's regions", () => {
    fc.assert(
      fc.property(
        anyCaller,
        fc.constantFrom(...PURPOSES),
        fc.constantFrom(...CATEGORIES, "user.nonexistent"),
        (caller, purpose, category) => {
          const base = callerDecision(DEFAULT_POLICY, caller, purpose, category);
          const bound = ceiling(DEFAULT_POLICY, caller, purpose, category);
          expect(rank(bound.effect)).toBeLessThanOrEqual(rank(base.effect));
          if (DEFAULT_POLICY.categories.has(category))
            expect(rank(base.effect)).toBeLessThanOrEqual(rank(matrixCell(DEFAULT_POLICY, purpose, category)));
          else expect(base.effect).toBe("deny");
          const reachesARegion =
            caller.kind !== "partner" ||
            (caller.grant.regions.length > 0 && (hasTransferBasis(caller.grant) || caller.grant.regions.includes(caller.partnerRegion)));
          if (reachesARegion) expect(bound).toEqual(base);
          else expect(bound.effect).toBe("deny");
        },
      ),
      { seed: 2519, numRuns: 2000 },
    );
  });
});
