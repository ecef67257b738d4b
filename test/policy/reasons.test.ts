import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATEGORIES, formatDay, PURPOSES, type Reason, REASON_CODES, ReasonCode, reasons } from "../../src/policy/index.js";
import { purposeName } from "../../src/policy/purposeName.js";

const day = new Date("2026-03-04T23:59:59Z");

/** One reason from every builder, with non-personal arguments. */
const built: Record<keyof typeof reasons, Reason> = {
  allowed: reasons.allowed("payments", "user.name"),
  masked: reasons.masked("payments", "user.name"),
  pseudonymized: reasons.pseudonymized("payments", "user.name"),
  unknownCategory: reasons.unknownCategory(),
  anonymous: reasons.anonymous(),
  purposeNotAllowed: reasons.purposeNotAllowed("marketing", "billing"),
  grantPurpose: reasons.grantPurpose("marketing", "g1"),
  purposeExcludesCategory: reasons.purposeExcludesCategory("payments", "user.name"),
  grantCategory: reasons.grantCategory("user.name", "g1"),
  erased: reasons.erased(),
  restricted: reasons.restricted("marketing"),
  notOwnData: reasons.notOwnData(),
  noVerifiedRequest: reasons.noVerifiedRequest(),
  optedOut: reasons.optedOut("marketing", day),
  objected: reasons.objected("marketing", day),
  consentRequired: reasons.consentRequired("p1"),
  grantScope: reasons.grantScope("g1"),
  outOfRegion: reasons.outOfRegion("g1", []),
  transferNotPermitted: reasons.transferNotPermitted("g1", "US"),
};

describe("reasons", () => {
  it("codes are distinct, and ReasonCode names each code as itself, frozen", () => {
    expect(new Set(REASON_CODES).size).toBe(REASON_CODES.length);
    expect(Object.keys(ReasonCode)).toEqual([...REASON_CODES]);
    for (const code of REASON_CODES) expect(ReasonCode[code]).toBe(code);
    expect(Object.isFrozen(ReasonCode)).toBe(true);
  });

  it("every builder gives its own known code and one short sentence; NO_SAFE_FORM alone is built elsewhere", () => {
    const codes = Object.values(built).map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes, "NO_SAFE_FORM"].sort()).toEqual([...REASON_CODES].sort());
    for (const [name, reason] of Object.entries(built)) {
      expect(reason.message, name).toMatch(/^\S.{9,199}$/);
      expect(reason.message, name).not.toContain("\n");
    }
  });

  it("names purposes as the GraphQL enum does, and says what it may carry", () => {
    expect(built.allowed.message).toBe("PAYMENTS may read user.name as stored.");
    expect(built.purposeNotAllowed.message).toBe("Role billing may not declare purpose MARKETING.");
    expect(built.optedOut.message).toBe("subject opted out of MARKETING on 2026-03-04");
    expect(built.objected.message).toBe("subject objected to MARKETING on 2026-03-04");
    expect(built.outOfRegion.message).toBe("Grant g1 covers only subjects resident in: none.");
    expect(reasons.outOfRegion("g1", ["EU", "UK"]).message).toBe("Grant g1 covers only subjects resident in: EU, UK.");
    for (const p of PURPOSES)
      for (const c of CATEGORIES) expect(reasons.masked(p, c).message).toBe(`${purposeName(p)} may read ${c} only masked.`);
  });

  it("never echoes a declared purpose that is not a known purpose (caller input), even of a purpose's form", () => {
    expect(reasons.purposeNotAllowed("nope", "billing").message).toBe("Role billing may not declare purpose (unknown).");
    expect(reasons.purposeNotAllowed("marketing", "billing").message).toBe("Role billing may not declare purpose MARKETING.");
    fc.assert(
      fc.property(
        fc
          .oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^[a-z_]{1,40}$/))
          .filter((s) => !(PURPOSES as readonly string[]).includes(s)),
        (declared) => {
          expect(reasons.purposeNotAllowed(declared, "billing").message).toBe("Role billing may not declare purpose (unknown).");
          expect(reasons.grantPurpose(declared, "g1").message).toBe("Grant g1 does not cover purpose (unknown).");
        },
      ),
      { seed: 2515, numRuns: 1000 },
    );
  });

  it("formatDay: the UTC day of a valid date; anything else reads as an unknown date", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }), (d) => {
        expect(formatDay(d)).toBe(d.toISOString().slice(0, 10));
      }),
      { seed: 2516, numRuns: 500 },
    );
    expect(formatDay(day)).toBe("2026-03-04");
    expect(formatDay(new Date(Number.NaN))).toBe("an unknown date");
    expect(formatDay("2026-03-04" as unknown as Date)).toBe("an unknown date");
    expect(formatDay(null as unknown as Date)).toBe("an unknown date");
  });
});
