import { describe, expect, it } from "vitest";
import type { Caller } from "../../src/policy/caller.js";
import { identifierScope, PSEUDONYMISING_PURPOSES } from "../../src/policy/identifierScope.js";
import { PURPOSES } from "../../src/policy/purposes.js";
import { STAFF_ROLES } from "../../src/policy/roles.js";

const partner = (partnerId: string): Caller => ({
  kind: "partner", partnerId, partnerKind: "affiliate", partnerRegion: "EU", keyId: "k",
  grant: { id: "g", purposes: [], categories: [], subjectScope: "all", regions: [], transferBasis: null, validFrom: new Date(0), validUntil: new Date(0) },
});

describe("identifierScope", () => {
  it("the purposes whose decisions pseudonymise, from the matrix", () => {
    expect([...PSEUDONYMISING_PURPOSES].sort()).toEqual(["advertising", "analytics", "research"]);
  });

  it("customers keep the internal ids; staff too, except under a pseudonymising purpose, which gets its own", () => {
    for (const purpose of PURPOSES) {
      expect(identifierScope({ kind: "customer", customerId: "c" }, purpose)).toEqual({ kind: "internal" });
      for (const role of STAFF_ROLES) {
        expect(identifierScope({ kind: "staff", staffId: "s", role }, purpose)).toEqual(
          PSEUDONYMISING_PURPOSES.includes(purpose) ? { kind: "scoped", label: `purpose:${purpose}` } : { kind: "internal" });
      }
    }
  });

  it("a partner always gets its own scope, per purpose when the purpose pseudonymises; never another's or the internal one", () => {
    const labels = new Set<string>();
    for (const id of ["p1", "p2"]) {
      for (const purpose of PURPOSES) {
        const scope = identifierScope(partner(id), purpose);
        expect(scope.kind).toBe("scoped");
        if (scope.kind === "scoped") labels.add(scope.label);
      }
    }
    // Per partner: one scope for the contract purposes, one per pseudonymising purpose.
    expect(labels.size).toBe(2 * (1 + PSEUDONYMISING_PURPOSES.length));
    expect(identifierScope({ kind: "anonymous" }, "analytics").kind).toBe("scoped");
  });
});
