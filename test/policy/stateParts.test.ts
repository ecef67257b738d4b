import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALL_STATE_PARTS,
  type Caller,
  DEFAULT_POLICY,
  type Grant,
  PARTNER_KINDS,
  PURPOSES,
  type Purpose,
  STAFF_ROLES,
  stateParts,
} from "../../src/policy/index.js";
import { testGrant } from "./testGrant.js";

const grant: Grant = testGrant();
const partner = (partnerKind: (typeof PARTNER_KINDS)[number], subjectScope: Grant["subjectScope"]): Caller => ({
  kind: "partner",
  partnerId: "p",
  partnerKind,
  partnerRegion: "EU",
  keyId: "k",
  grant: { ...grant, subjectScope },
});
const staff: Caller = { kind: "staff", staffId: "s", role: "billing" };

const anyCaller: fc.Arbitrary<Caller> = fc.oneof(
  fc.constant<Caller>({ kind: "anonymous" }),
  fc.constant<Caller>({ kind: "customer", customerId: "c" }),
  fc.constantFrom(...STAFF_ROLES).map((role): Caller => ({ kind: "staff", staffId: "s", role })),
  fc
    .tuple(fc.constantFrom(...PARTNER_KINDS), fc.constantFrom<Grant["subjectScope"]>("all", "consented", "linked"))
    .map(([k, s]) => partner(k, s)),
);
const purpose = fc.constantFrom<Purpose>(...PURPOSES);

/**
 * Which parts a purpose needs, by the default policy's purpose table. That decide() answers the
 * same without the parts left out is decide's property (test/policy/decide.properties.test.ts);
 * that the loader brings exactly these parts needs a database (test/enforcement/stateParts.test.ts).
 */
describe("stateParts", () => {
  it("a contract purpose needs no part: a staff page for payments loads no consent, objection or partner aggregate", () => {
    expect(stateParts(DEFAULT_POLICY, staff, "payments")).toEqual({
      optOuts: false,
      objections: false,
      verifiedRequest: false,
      partnerOptIns: false,
      partnerLinks: false,
    });
  });

  it("opt-outs and objections for exactly the opt-out purposes, a verified request for subject_request alone", () => {
    const needing = (part: "optOuts" | "objections" | "verifiedRequest") =>
      PURPOSES.filter((p) => stateParts(DEFAULT_POLICY, staff, p)[part]).sort();
    expect(needing("optOuts")).toEqual(["advertising", "analytics", "marketing", "personalization", "research"]);
    expect(needing("objections")).toEqual(["advertising", "analytics", "marketing", "personalization", "research"]);
    expect(needing("verifiedRequest")).toEqual(["subject_request"]);
  });

  it("partner parts: opt-ins for a consented grant or a kind that requires opt-in, links for a linked grant", () => {
    const parts = (kind: (typeof PARTNER_KINDS)[number], scope: Grant["subjectScope"]) => {
      const { partnerOptIns, partnerLinks } = stateParts(DEFAULT_POLICY, partner(kind, scope), "analytics");
      return { partnerOptIns, partnerLinks };
    };
    expect(parts("affiliate", "all")).toEqual({ partnerOptIns: false, partnerLinks: false });
    expect(parts("affiliate", "consented")).toEqual({ partnerOptIns: true, partnerLinks: false });
    expect(parts("service_provider", "linked")).toEqual({ partnerOptIns: false, partnerLinks: true });
    expect(parts("third_party", "all")).toEqual({ partnerOptIns: true, partnerLinks: false });
    expect(parts("third_party", "linked")).toEqual({ partnerOptIns: true, partnerLinks: true });
  });

  it("for any caller and purpose: the subject's choices follow the purpose alone, partner parts only a partner, within ALL_STATE_PARTS", () => {
    expect(Object.values(ALL_STATE_PARTS).every((p) => p)).toBe(true);
    fc.assert(
      fc.property(anyCaller, purpose, (caller, p) => {
        const parts = stateParts(DEFAULT_POLICY, caller, p);
        expect(Object.keys(parts).sort()).toEqual(Object.keys(ALL_STATE_PARTS).sort());
        const own = stateParts(DEFAULT_POLICY, staff, p);
        expect([parts.optOuts, parts.objections, parts.verifiedRequest]).toEqual([own.optOuts, own.objections, own.verifiedRequest]);
        if (caller.kind !== "partner") expect([parts.partnerOptIns, parts.partnerLinks]).toEqual([false, false]);
      }),
      { seed: 2517, numRuns: 500 },
    );
  });
});
