import { describe, expect, it } from "vitest";
import type { Caller } from "../../src/policy/caller.js";
import { identifierScope } from "../../src/policy/identifierScope.js";
import { PURPOSES } from "../../src/policy/purposes.js";
import { STAFF_ROLES } from "../../src/policy/roles.js";
import { DEFAULT_POLICY, pseudonymisingPurposes } from "../../src/policy/index.js";

const partner = (partnerId: string): Caller => ({
  kind: "partner",
  partnerId,
  partnerKind: "affiliate",
  partnerRegion: "EU",
  keyId: "k",
  grant: {
    id: "g",
    purposes: [],
    categories: [],
    subjectScope: "all",
    regions: [],
    transferBasis: null,
    validFrom: new Date(0),
    validUntil: new Date(0),
  },
});

describe("identifierScope", () => {
  it("the purposes whose decisions pseudonymise, from the matrix", () => {
    expect(pseudonymisingPurposes(DEFAULT_POLICY).sort()).toEqual(["advertising", "analytics", "research"]);
  });

  it("customers keep the internal ids; staff too, except under a pseudonymising purpose, which gets its own", () => {
    for (const purpose of PURPOSES) {
      expect(identifierScope(DEFAULT_POLICY, { kind: "customer", customerId: "c" }, purpose)).toEqual({ kind: "internal" });
      for (const role of STAFF_ROLES) {
        expect(identifierScope(DEFAULT_POLICY, { kind: "staff", staffId: "s", role }, purpose)).toEqual(
          pseudonymisingPurposes(DEFAULT_POLICY).includes(purpose) ? { kind: "scoped", label: `purpose:${purpose}` } : { kind: "internal" },
        );
      }
    }
  });

  it("a partner always gets its own scope, per purpose when the purpose pseudonymises; never another's or the internal one", () => {
    const labels = new Set<string>();
    for (const id of ["p1", "p2"]) {
      for (const purpose of PURPOSES) {
        const scope = identifierScope(DEFAULT_POLICY, partner(id), purpose);
        expect(scope.kind).toBe("scoped");
        if (scope.kind === "scoped") labels.add(scope.label);
      }
    }
    // Per partner: one scope for the contract purposes, one per pseudonymising purpose.
    expect(labels.size).toBe(2 * (1 + pseudonymisingPurposes(DEFAULT_POLICY).length));
    expect(identifierScope(DEFAULT_POLICY, { kind: "anonymous" }, "analytics").kind).toBe("scoped");
  });
});
