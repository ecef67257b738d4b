// Exhaustive grid: every caller x purpose x category x subject state, decide() against a small
// reference implementation written here from DESIGN.md's rules and the fixture matrix.
// decide() reads the shipped policy file (policy/default.policy.yaml): passing here proves that the
// file decides as DESIGN.md's tables, over every combination.
import { describe, expect, it } from "vitest";
import {
  CATEGORIES,
  ceiling,
  decide,
  decider,
  PURPOSES,
  type Caller,
  type Grant,
  type Purpose,
  type SubjectState,
  DEFAULT_POLICY,
} from "../../src/policy/index.js";
import { fixtureLetter, LETTER_EFFECT, loadFixtureMatrix, loadFixtureRoles } from "./fixtureTables.js";

const matrix = loadFixtureMatrix();
const roles = loadFixtureRoles();

// From DESIGN.md's purpose table and "The decision" (not from the code).
const OPT_OUT = new Set(["marketing", "advertising", "personalization", "analytics", "research"]);
const HONOURS_OBJECTION = new Set(["marketing", "advertising", "personalization", "analytics", "research"]);
const SURVIVES_RESTRICTION = new Set(["legal_compliance", "fraud_prevention", "subject_request"]);
const RANK = { deny: 0, pseudonymize: 1, mask: 2, allow: 3 } as const;

const SELF = "cust-self";
const DAY = new Date("2026-03-02T10:00:00Z");

const letters = new Map<string, ReturnType<typeof fixtureLetter>>();
function letterOf(purpose: string, category: string) {
  const key = `${purpose} ${category}`;
  let l = letters.get(key);
  if (l === undefined) letters.set(key, (l = fixtureLetter(matrix, purpose, category)));
  return l;
}

type Expected = { effect: keyof typeof RANK; code: string };

/** The reference: the first rule that applies (in the order of the brief) denies; else the cell. */
function reference(caller: Caller, purpose: string, category: string, s: SubjectState): Expected {
  const known = (CATEGORIES as readonly string[]).includes(category);
  const letter = known ? letterOf(purpose, category) : "-";
  const partner = caller.kind === "partner" ? caller : null;
  const grant = partner?.grant;
  const callerPurposes =
    caller.kind === "customer"
      ? roles.get("customer")!
      : caller.kind === "staff"
        ? roles.get(caller.role)!
        : caller.kind === "partner"
          ? caller.grant.purposes.filter((p) => matrix.purposes.includes(p))
          : [];
  const covers = (prefix: string) => prefix !== "" && (category === prefix || category.startsWith(`${prefix}.`));
  const basis = grant?.transferBasis?.trim() ?? "";
  const rules: [string, boolean][] = [
    ["UNKNOWN_CATEGORY", !known],
    ["ANONYMOUS", caller.kind === "anonymous"],
    [partner ? "GRANT_PURPOSE" : "PURPOSE_NOT_ALLOWED", !callerPurposes.includes(purpose)],
    ["PURPOSE_EXCLUDES_CATEGORY", letter === "-"],
    ["GRANT_CATEGORY", grant !== undefined && !grant.categories.some(covers)],
    ["ERASED", s.status === "erased"],
    ["RESTRICTED", s.status === "restricted" && !SURVIVES_RESTRICTION.has(purpose)],
    ["NOT_OWN_DATA", caller.kind === "customer" && caller.customerId !== s.customerId],
    ["NO_VERIFIED_REQUEST", purpose === "subject_request" && !s.verifiedRequest],
    ["OPTED_OUT", OPT_OUT.has(purpose) && s.optOuts.has(purpose as Purpose)],
    ["OBJECTED", HONOURS_OBJECTION.has(purpose) && s.objections.has(purpose as Purpose)],
    ["CONSENT_REQUIRED", !!partner && grant!.subjectScope === "consented" && !s.partnerOptIns.has(partner.partnerId)],
    ["GRANT_SCOPE", !!partner && grant!.subjectScope === "linked" && !s.linkedPartners.has(partner.partnerId)],
    ["CONSENT_REQUIRED", partner?.partnerKind === "third_party" && !s.partnerOptIns.has(partner.partnerId)],
    ["OUT_OF_REGION", !!grant && !grant.regions.includes(s.residency)],
    ["TRANSFER_NOT_PERMITTED", !!partner && partner.partnerRegion !== s.residency && basis === ""],
  ];
  const hit = rules.find(([, applies]) => applies);
  if (hit) return { effect: "deny", code: hit[0] };
  const effect = LETTER_EFFECT[letter];
  return { effect, code: { allow: "ALLOWED", mask: "MASKED", pseudonymize: "PSEUDONYMIZED", deny: "?" }[effect] };
}

// ---- callers ----

const grant = (g: Partial<Grant> & Pick<Grant, "id">): Grant => ({
  purposes: [],
  categories: [],
  subjectScope: "all",
  regions: [],
  transferBasis: null,
  validFrom: new Date("2026-01-01"),
  validUntil: new Date("2027-01-01"),
  ...g,
});

const GRANTS: { grant: Grant; partnerRegion: string }[] = [
  {
    grant: grant({
      id: "g-all",
      purposes: [...matrix.purposes] as Purpose[],
      categories: ["user"],
      regions: ["EU", "US"],
      transferBasis: "SCC",
    }),
    partnerRegion: "US",
  },
  {
    grant: grant({
      id: "g-consented",
      purposes: ["marketing", "analytics", "advertising"],
      categories: ["user.contact", "user.device"],
      subjectScope: "consented",
      regions: ["EU"],
    }),
    partnerRegion: "EU",
  },
  {
    grant: grant({
      id: "g-linked",
      purposes: ["service_delivery", "customer_support", "claims", "not_a_purpose" as Purpose],
      categories: ["user.contact.address", "user.behavior", "user.name"],
      subjectScope: "linked",
      regions: ["US", "EU"],
    }),
    partnerRegion: "US",
  },
  {
    grant: grant({
      id: "g-narrow",
      purposes: ["payments", "fraud_prevention", "legal_compliance", "subject_request"],
      categories: ["user.contact.email", "user.financial", "user.contactx", ""],
      regions: ["US"],
      transferBasis: "adequacy",
    }),
    partnerRegion: "UK",
  },
  {
    // Transfers out of the partner's region on a named basis: reachable, so the ceiling allows.
    grant: grant({
      id: "g-transfer",
      purposes: ["analytics", "fraud_prevention"],
      categories: ["user"],
      regions: ["EU"],
      transferBasis: "SCC",
    }),
    partnerRegion: "US",
  },
  {
    grant: grant({
      id: "g-blank-basis",
      purposes: [...matrix.purposes] as Purpose[],
      categories: ["user"],
      regions: ["EU", "US"],
      transferBasis: "  ",
    }),
    partnerRegion: "EU",
  },
];

const CALLERS: { name: string; caller: Caller }[] = [
  { name: "anonymous", caller: { kind: "anonymous" } },
  { name: "customer (self)", caller: { kind: "customer", customerId: SELF } },
  { name: "customer (other)", caller: { kind: "customer", customerId: "cust-other" } },
  ...[...roles.keys()]
    .filter((r) => r !== "customer")
    .map((role) => ({ name: `staff ${role}`, caller: { kind: "staff", staffId: "s-1", role } as Caller })),
  ...(["affiliate", "service_provider", "third_party"] as const).flatMap((partnerKind) =>
    GRANTS.map(({ grant: g, partnerRegion }) => ({
      name: `${partnerKind} ${g.id}`,
      caller: { kind: "partner", partnerId: "p-1", partnerKind, partnerRegion, keyId: "k-1", grant: g } as Caller,
    })),
  ),
];

// ---- subject states ----

type Choice = { name: string; optOuts: Purpose[]; objections: Purpose[] };
// Each opt-out purpose and each objection-honouring purpose, plus purposes where an opt-out or
// objection must have no effect (a contract purpose, fraud prevention, legal compliance).
const OPT_OUT_CHOICES: Purpose[] = [...(OPT_OUT as Set<Purpose>), "payments"];
const OBJECTION_CHOICES: Purpose[] = [...(HONOURS_OBJECTION as Set<Purpose>), "fraud_prevention", "legal_compliance"];
const CHOICES: Choice[] = [
  { name: "none", optOuts: [], objections: [] },
  ...OPT_OUT_CHOICES.map((p) => ({ name: `opted out of ${p}`, optOuts: [p], objections: [] })),
  ...OBJECTION_CHOICES.map((p) => ({ name: `objected to ${p}`, optOuts: [], objections: [p] })),
  { name: "everything", optOuts: [...PURPOSES], objections: [...PURPOSES] },
];

function* subjects(): Generator<SubjectState> {
  for (const status of ["active", "restricted", "erased"] as const)
    for (const choice of CHOICES)
      for (const verifiedRequest of [false, true])
        for (const residency of ["EU", "US"])
          for (const optIn of [false, true])
            for (const linked of [false, true])
              yield {
                customerId: SELF,
                status,
                residency,
                optOuts: new Map(choice.optOuts.map((p) => [p, DAY])),
                objections: new Map(choice.objections.map((p) => [p, DAY])),
                partnerOptIns: new Set(optIn ? ["p-1"] : ["p-2"]),
                linkedPartners: new Set(linked ? ["p-1"] : []),
                verifiedRequest,
              };
}
const SUBJECTS = [...subjects()];
const GRID_CATEGORIES = [...CATEGORIES, "user.contact", "user.contactx", "", "system.operations"];

describe("decide: exhaustive grid against the reference", () => {
  it("covers the whole space", () => {
    expect(CHOICES.length).toBe(1 + 6 + 7 + 1);
    expect(SUBJECTS.length).toBe(3 * CHOICES.length * 2 * 2 * 2 * 2);
    expect(CALLERS.length).toBe(1 + 2 + 6 + 3 * GRANTS.length);
  });

  for (const { name, caller } of CALLERS) {
    it(`${name}: effect and reason for every purpose x category x subject; ceiling is a tight bound; decider agrees`, () => {
      const mismatches: string[] = [];
      for (const purpose of PURPOSES) {
        // The request's form of decide: one per caller and purpose, over every category and subject.
        const decideInRequest = decider(DEFAULT_POLICY, caller, purpose);
        for (const category of GRID_CATEGORIES) {
          const bound = ceiling(DEFAULT_POLICY, caller, purpose, category);
          let best = -1;
          for (const s of SUBJECTS) {
            const got = decide(DEFAULT_POLICY, caller, purpose, category, s);
            const want = reference(caller, purpose, category, s);
            const inRequest = decideInRequest(category, s);
            if (
              inRequest.effect !== got.effect ||
              inRequest.reason.code !== got.reason.code ||
              inRequest.reason.message !== got.reason.message
            ) {
              mismatches.push(
                `${purpose} ${category}: decider gives ${inRequest.effect}/${inRequest.reason.code}, decide ${got.effect}/${got.reason.code}`,
              );
            }
            best = Math.max(best, RANK[got.effect]);
            if (got.effect !== want.effect || got.reason.code !== want.code) {
              if (mismatches.length < 10)
                mismatches.push(
                  `${purpose} ${category} ${JSON.stringify({ ...s, optOuts: [...s.optOuts.keys()], objections: [...s.objections.keys()], partnerOptIns: [...s.partnerOptIns], linkedPartners: [...s.linkedPartners] })}: got ${got.effect}/${got.reason.code}, want ${want.effect}/${want.code}`,
                );
            }
            if (RANK[got.effect] > RANK[bound.effect])
              mismatches.push(`${purpose} ${category}: decide ${got.effect} exceeds ceiling ${bound.effect}`);
          }
          // Tight: some subject in the grid reaches the ceiling (the static check is not stricter).
          // Every grid subject is SELF, so another customer's own data is not in the grid.
          if (name !== "customer (other)" && best !== RANK[bound.effect])
            mismatches.push(`${purpose} ${category}: ceiling ${bound.effect} never reached`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it("reports an opt-out with its purpose and date", () => {
    const s = SUBJECTS.find((x) => x.status === "active" && x.optOuts.has("marketing") && x.optOuts.size === 1)!;
    const d = decide(DEFAULT_POLICY, { kind: "staff", staffId: "s", role: "marketing_analyst" }, "marketing", "user.contact.email", s);
    expect(d).toEqual({ effect: "deny", reason: { code: "OPTED_OUT", message: "subject opted out of marketing on 2026-03-02" } });
  });
});
