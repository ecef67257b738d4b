import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATEGORIES, EFFECT_ORDER, type Effect, matrixCell, narrowest, PURPOSES, DEFAULT_POLICY } from "../../src/policy/index.js";
import { fixtureLetter, LETTER_EFFECT, loadFixtureMatrix } from "./fixtureTables.js";

const fixture = loadFixtureMatrix();

describe("default matrix against DESIGN.md", () => {
  it("has DESIGN's purposes, in DESIGN's column order", () => {
    expect(fixture.purposes).toEqual([...PURPOSES]);
  });

  it("has a row of its own exactly for the categories DESIGN lists", () => {
    expect([...DEFAULT_POLICY.matrix.keys()].sort()).toEqual([...fixture.rows.keys()].sort());
  });

  it("matrixCell equals the fixture (own or nearest ancestor row) for every purpose x category", () => {
    const mismatches: string[] = [];
    for (const purpose of fixture.purposes)
      for (const category of CATEGORIES) {
        const want = LETTER_EFFECT[fixtureLetter(fixture, purpose, category)];
        const got = matrixCell(DEFAULT_POLICY, purpose as (typeof PURPOSES)[number], category);
        if (got !== want) mismatches.push(`${purpose} x ${category}: ${got}, want ${want}`);
      }
    expect(mismatches).toEqual([]);
  });

  it("inherits and denies as the brief says", () => {
    for (const p of PURPOSES) {
      expect(matrixCell(DEFAULT_POLICY, p, "user.contact.address.delivery")).toBe(matrixCell(DEFAULT_POLICY, p, "user.contact.address"));
      expect(matrixCell(DEFAULT_POLICY, p, "user.authorization.credentials")).toBe("deny");
    }
    expect(matrixCell(DEFAULT_POLICY, "payments", "user.contact.address.billing")).toBe("allow");
    expect(matrixCell(DEFAULT_POLICY, "service_delivery", "user.contact.address.billing")).toBe("deny");
  });
});

describe("effect order", () => {
  const effect = fc.constantFrom<Effect>("allow", "mask", "pseudonymize", "deny");
  const rank = (e: Effect) => ({ deny: 0, pseudonymize: 1, mask: 2, allow: 3 })[e];

  it("goes deny < pseudonymize < mask < allow", () => {
    expect(EFFECT_ORDER).toEqual(["deny", "pseudonymize", "mask", "allow"]);
  });

  it("narrowest is the minimum: commutative, idempotent, one of its arguments, deny absorbs", () => {
    fc.assert(
      fc.property(effect, effect, effect, (a, b, c) => {
        const n = narrowest(a, b);
        expect(n).toBe(narrowest(b, a));
        expect([a, b]).toContain(n);
        expect(rank(n)).toBe(Math.min(rank(a), rank(b)));
        expect(narrowest(a, a)).toBe(a);
        expect(narrowest(a, "deny")).toBe("deny");
        expect(narrowest(a, "allow")).toBe(a);
        expect(narrowest(narrowest(a, b), c)).toBe(narrowest(a, narrowest(b, c)));
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
