import { describe, expect, it } from "vitest";
import { activeSubject } from "../../src/policy/index.js";

describe("subjectState", () => {
  it("activeSubject: active, resident where given, with no choices, request or partner recorded", () => {
    expect(activeSubject("c1", "EU")).toEqual({
      customerId: "c1",
      status: "active",
      residency: "EU",
      optOuts: new Map(),
      objections: new Map(),
      partnerOptIns: new Set(),
      linkedPartners: new Set(),
      verifiedRequest: false,
    });
  });

  it("activeSubject: each call a fresh state, so a test that records a choice changes no other", () => {
    const a = activeSubject("c1", "EU");
    const b = activeSubject("c1", "EU");
    expect(a.optOuts).not.toBe(b.optOuts);
    expect(a.objections).not.toBe(b.objections);
    expect(a.partnerOptIns).not.toBe(b.partnerOptIns);
    expect(a.linkedPartners).not.toBe(b.linkedPartners);
  });
});
