import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  activeSubject,
  type Caller,
  CATEGORIES,
  ceiling,
  decide,
  type Effect,
  type Grant,
  PURPOSES,
  type Purpose,
  STAFF_ROLES,
  stateParts,
  type SubjectState,
  DEFAULT_POLICY,
} from "../../src/policy/index.js";
import { prunedState } from "../helpers/prunedState.js";

const SEED = 20261101;
const RUNS = 3000;
const RANK: Record<Effect, number> = { deny: 0, pseudonymize: 1, mask: 2, allow: 3 };
const REGIONS = ["EU", "US", "UK", "CH"];
const PARTNER_IDS = ["p-1", "p-2"];

/** Distinctive strings: if one shows up in a message, a subject value leaked into it. */
const canary = fc.stringMatching(/^[0-9a-f]{8}$/).map((h) => `CANARY${h}`);

const purpose = fc.constantFrom(...PURPOSES);
const category = fc.oneof(fc.constantFrom(...CATEGORIES), fc.constantFrom("user.contact", "user", "user.namex", "x.y"));
const date = fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true });
const prefix = fc.constantFrom(
  "user",
  "user.contact",
  "user.contact.address",
  "user.device",
  "user.name",
  "user.behavior",
  "user.financial",
  "user.contactx",
  "",
);

const grant: fc.Arbitrary<Grant> = fc.record({
  id: fc.constantFrom("g-1", "g-2"),
  purposes: fc.uniqueArray(purpose, { maxLength: 13 }),
  categories: fc.uniqueArray(prefix, { maxLength: 4 }),
  subjectScope: fc.constantFrom("all", "consented", "linked"),
  regions: fc.uniqueArray(fc.constantFrom(...REGIONS), { maxLength: 4 }),
  transferBasis: fc.constantFrom(null, "SCC", "adequacy", ""),
  validFrom: date,
  validUntil: date,
});

const partner = fc.record({
  kind: fc.constant("partner" as const),
  partnerId: fc.constantFrom(...PARTNER_IDS),
  partnerKind: fc.constantFrom("affiliate", "service_provider", "third_party"),
  partnerRegion: fc.constantFrom(...REGIONS),
  keyId: fc.constant("k-1"),
  grant,
});

function callerFor(subjectId: fc.Arbitrary<string>): fc.Arbitrary<Caller> {
  return fc.oneof(
    fc.constant<Caller>({ kind: "anonymous" }),
    subjectId.map((customerId): Caller => ({ kind: "customer", customerId })),
    fc.constantFrom(...STAFF_ROLES).map((role): Caller => ({ kind: "staff", staffId: "s-1", role })),
    partner,
  );
}

const purposeDates = fc.uniqueArray(fc.tuple(purpose, date), { selector: ([p]) => p, maxLength: 6 }).map((e) => new Map(e));

function subjectWith(customerId: fc.Arbitrary<string>, residency: fc.Arbitrary<string>): fc.Arbitrary<SubjectState> {
  return fc.record({
    customerId,
    status: fc.constantFrom("active", "restricted", "erased"),
    residency,
    optOuts: purposeDates,
    objections: purposeDates,
    partnerOptIns: fc.uniqueArray(fc.constantFrom(...PARTNER_IDS)).map((a) => new Set(a)),
    linkedPartners: fc.uniqueArray(fc.constantFrom(...PARTNER_IDS)).map((a) => new Set(a)),
    verifiedRequest: fc.boolean(),
  });
}

// Caller and subject share the id often enough that "own data" is exercised.
const scenario = fc.tuple(canary, fc.boolean()).chain(([id, same]) =>
  fc.record({
    caller: callerFor(fc.constant(same ? id : `${id}x`)),
    purpose,
    category,
    subject: subjectWith(fc.constant(id), fc.oneof(fc.constantFrom(...REGIONS), canary)),
  }),
);

const opts = { seed: SEED, numRuns: RUNS };

describe("decide: properties", () => {
  it("never exceeds the ceiling", () => {
    fc.assert(
      fc.property(scenario, ({ caller, purpose, category, subject }) => {
        const bound = ceiling(DEFAULT_POLICY, caller, purpose, category);
        const got = decide(DEFAULT_POLICY, caller, purpose, category, subject);
        expect(RANK[got.effect]).toBeLessThanOrEqual(RANK[bound.effect]);
        if (bound.effect === "deny") expect(got.effect).toBe("deny");
      }),
      opts,
    );
  });

  type Change = { name: string; apply: (s: SubjectState) => SubjectState };
  const change: fc.Arbitrary<Change> = fc.oneof(
    fc
      .tuple(purpose, date)
      .map(([p, d]) => ({ name: `opt out of ${p}`, apply: (s: SubjectState) => ({ ...s, optOuts: new Map([...s.optOuts, [p, d]]) }) })),
    fc.tuple(purpose, date).map(([p, d]) => ({
      name: `object to ${p}`,
      apply: (s: SubjectState) => ({ ...s, objections: new Map([...s.objections, [p, d]]) }),
    })),
    fc.constant({
      name: "restrict",
      apply: (s: SubjectState) => ({ ...s, status: s.status === "erased" ? "erased" : "restricted" }) as SubjectState,
    }),
    fc.constant({ name: "erase", apply: (s: SubjectState) => ({ ...s, status: "erased" }) as SubjectState }),
    fc.constantFrom(...PARTNER_IDS).map((id) => ({
      name: `withdraw opt-in ${id}`,
      apply: (s: SubjectState) => ({ ...s, partnerOptIns: new Set([...s.partnerOptIns].filter((x) => x !== id)) }),
    })),
    fc.constantFrom(...PARTNER_IDS).map((id) => ({
      name: `unlink ${id}`,
      apply: (s: SubjectState) => ({ ...s, linkedPartners: new Set([...s.linkedPartners].filter((x) => x !== id)) }),
    })),
    fc.constant({ name: "close request", apply: (s: SubjectState) => ({ ...s, verifiedRequest: false }) }),
  );

  it("adding an opt-out, objection, restriction or erasure (or withdrawing consent) never widens", () => {
    fc.assert(
      fc.property(scenario, fc.array(change, { minLength: 1, maxLength: 3 }), ({ caller, purpose, category, subject }, changes) => {
        const before = decide(DEFAULT_POLICY, caller, purpose, category, subject);
        const after = decide(
          DEFAULT_POLICY,
          caller,
          purpose,
          category,
          changes.reduce((s, c) => c.apply(s), subject),
        );
        expect(RANK[after.effect], changes.map((c) => c.name).join(", ")).toBeLessThanOrEqual(RANK[before.effect]);
      }),
      opts,
    );
  });

  it("decides the same without the state parts that stateParts leaves out (a request loads only those)", () => {
    fc.assert(
      fc.property(scenario, ({ caller, purpose, category, subject }) => {
        expect(
          decide(DEFAULT_POLICY, caller, purpose, category, prunedState(subject, stateParts(DEFAULT_POLICY, caller, purpose))),
        ).toEqual(decide(DEFAULT_POLICY, caller, purpose, category, subject));
      }),
      { ...opts, numRuns: 10_000 },
    );
  });

  it("a third-party partner sees nothing of a subject who opted in to no partner", () => {
    fc.assert(
      fc.property(scenario, partner, ({ purpose, category, subject }, p) => {
        const caller: Caller = { ...p, partnerKind: "third_party" };
        const d = decide(DEFAULT_POLICY, caller, purpose, category, { ...subject, partnerOptIns: new Set() });
        expect(d.effect).toBe("deny");
      }),
      opts,
    );
  });

  it("a third-party partner with the widest grant still needs that subject's opt-in for itself", () => {
    const wide: Caller = {
      kind: "partner",
      partnerId: "p-1",
      partnerKind: "third_party",
      partnerRegion: "EU",
      keyId: "k",
      grant: {
        id: "g",
        purposes: [...PURPOSES],
        categories: ["user"],
        subjectScope: "all",
        regions: REGIONS,
        transferBasis: "SCC",
        validFrom: new Date(0),
        validUntil: new Date(0),
      },
    };
    fc.assert(
      fc.property(purpose, category, subjectWith(canary, fc.constantFrom(...REGIONS)), (p, c, s) => {
        const d = decide(DEFAULT_POLICY, wide, p, c, { ...s, partnerOptIns: new Set(["p-2"]) });
        expect(d.effect).toBe("deny");
      }),
      opts,
    );
  });

  it("reason messages never contain a string from the subject", () => {
    fc.assert(
      fc.property(scenario, ({ caller, purpose, category, subject }) => {
        for (const d of [decide(DEFAULT_POLICY, caller, purpose, category, subject), ceiling(DEFAULT_POLICY, caller, purpose, category)]) {
          expect(d.reason.message).not.toContain(subject.customerId);
          if (subject.residency.startsWith("CANARY")) expect(d.reason.message).not.toContain(subject.residency);
          expect(d.reason.message.length).toBeGreaterThan(0);
          expect(d.reason.message.length).toBeLessThan(200);
        }
      }),
      opts,
    );
  });

  it("is pure: same answer twice, subject untouched", () => {
    fc.assert(
      fc.property(scenario, ({ caller, purpose, category, subject }) => {
        const frozen = Object.freeze({ ...subject });
        expect(decide(DEFAULT_POLICY, caller, purpose, category, frozen)).toEqual(
          decide(DEFAULT_POLICY, caller, purpose, category, frozen),
        );
      }),
      { ...opts, numRuns: 500 },
    );
  });

  it("denies unknown categories and anonymous callers whatever else holds", () => {
    fc.assert(
      fc.property(scenario, fc.string(), ({ caller, purpose, subject }, junk) => {
        fc.pre(!(CATEGORIES as readonly string[]).includes(junk));
        expect(decide(DEFAULT_POLICY, caller, purpose, junk, subject).reason.code).toBe("UNKNOWN_CATEGORY");
        expect(decide(DEFAULT_POLICY, { kind: "anonymous" }, purpose, CATEGORIES[0], subject).reason.code).toBe("ANONYMOUS");
      }),
      { ...opts, numRuns: 500 },
    );
  });

  it("denies an undeclarable purpose string without echoing it", () => {
    const junk = "ada@example.com";
    const d = decide(DEFAULT_POLICY, { kind: "staff", staffId: "s", role: "legal" }, junk as Purpose, "user.name", {
      ...activeSubject("c", "EU"),
      verifiedRequest: true,
    });
    expect(d.effect).toBe("deny");
    expect(d.reason.code).toBe("PURPOSE_NOT_ALLOWED");
    expect(d.reason.message).not.toContain(junk);
  });

  it("formats an opt-out or objection with an invalid date without throwing", () => {
    const s: SubjectState = {
      customerId: "c",
      status: "active",
      residency: "EU",
      optOuts: new Map([["analytics", new Date(Number.NaN)]]),
      objections: new Map(),
      partnerOptIns: new Set(),
      linkedPartners: new Set(),
      verifiedRequest: false,
    };
    const d = decide(DEFAULT_POLICY, { kind: "staff", staffId: "s", role: "marketing_analyst" }, "analytics", "user.name", s);
    expect(d.reason).toEqual({ code: "OPTED_OUT", message: "subject opted out of ANALYTICS on an unknown date" });
  });
});
