import { describe, expect, it } from "vitest";
import {
  type Caller,
  defaultPurpose,
  type Grant,
  mayDeclare,
  PURPOSES,
  type Purpose,
  purposesFor,
  ROLES,
  STAFF_ROLES,
  DEFAULT_POLICY,
  optOutPurposes,
} from "../../src/policy/index.js";
import { loadFixturePurposes, loadFixtureRoles } from "./fixtureTables.js";

// fideslang 2.x data use keys (data_files/data_uses.csv), for the export mapping.
const FIDESLANG_DATA_USES = new Set([
  "analytics",
  "analytics.reporting",
  "analytics.reporting.ad_performance",
  "analytics.reporting.content_performance",
  "analytics.reporting.campaign_insights",
  "analytics.reporting.system",
  "analytics.reporting.system.performance",
  "collect",
  "employment",
  "employment.recruitment",
  "essential",
  "essential.fraud_detection",
  "essential.legal_obligation",
  "essential.service",
  "essential.service.authentication",
  "essential.service.notifications",
  "essential.service.operations",
  "essential.service.payment_processing",
  "essential.service.security",
  "essential.service.upgrades",
  "essential.service.notifications.email",
  "essential.service.notifications.sms",
  "essential.service.operations.support",
  "essential.service.operations.improve",
  "finance",
  "functional",
  "functional.storage",
  "functional.service",
  "functional.service.improve",
  "functional.storage.privacy_preferences",
  "marketing",
  "marketing.advertising",
  "marketing.communications",
  "marketing.advertising.first_party",
  "marketing.advertising.frequency_capping",
  "marketing.advertising.negative_targeting",
  "marketing.advertising.profiling",
  "marketing.advertising.serving",
  "marketing.advertising.third_party",
  "marketing.advertising.first_party.contextual",
  "marketing.advertising.first_party.targeted",
  "marketing.advertising.third_party.targeted",
  "marketing.communications.email",
  "marketing.communications.sms",
  "operations",
  "personalize",
  "personalize.content",
  "personalize.system",
  "personalize.content.limited",
  "personalize.content.profiling",
  "personalize.content.profiled",
  "sales",
  "third_party_sharing",
  "third_party_sharing.legal_obligation",
  "train_ai_system",
]);

describe("purposes", () => {
  const design = loadFixturePurposes();

  it("are DESIGN's thirteen", () => {
    expect([...PURPOSES].sort()).toEqual([...design.keys()].sort());
    expect(PURPOSES).toHaveLength(13);
  });

  it("consent basis follows DESIGN's purpose table", () => {
    for (const [purpose, text] of design) {
      const def = DEFAULT_POLICY.purposes[purpose as Purpose];
      if (text.includes("opt-out")) expect(def.consentBasis, purpose).toBe("opt_out");
      if (text.includes("contract") || text === "none needed") expect(def.consentBasis, purpose).toBe("contract");
      if (text.includes("legitimate interest")) expect(def.consentBasis, purpose).toBe("legitimate_interest");
      if (text.includes("verified request")) expect(def.consentBasis, purpose).toBe("verified_request");
    }
    // research ("anonymised or pseudonymised only") is treated as opt-out too.
    expect(optOutPurposes(DEFAULT_POLICY).sort()).toEqual(["advertising", "analytics", "marketing", "personalization", "research"]);
    expect(DEFAULT_POLICY.purposes.legal_compliance.consentBasis).toBe("legal_obligation");
  });

  it("restriction and objection as DESIGN's decision section says", () => {
    const survives = PURPOSES.filter((p) => DEFAULT_POLICY.purposes[p].survivesRestriction).sort();
    expect(survives).toEqual(["fraud_prevention", "legal_compliance", "subject_request"]);
    const honours = PURPOSES.filter((p) => DEFAULT_POLICY.purposes[p].honoursObjection).sort();
    expect(honours).toEqual(["advertising", "analytics", "marketing", "personalization", "research"]);
  });

  it("map to real fideslang data uses, including DESIGN's two examples", () => {
    for (const p of PURPOSES) expect(FIDESLANG_DATA_USES.has(DEFAULT_POLICY.purposes[p].fidesDataUse), p).toBe(true);
    expect(DEFAULT_POLICY.purposes.payments.fidesDataUse).toBe("essential.service.payment_processing");
    expect(DEFAULT_POLICY.purposes.advertising.fidesDataUse).toBe("marketing.advertising.third_party.targeted");
  });
});

describe("roles", () => {
  const design = loadFixtureRoles();

  it("DEFAULT_POLICY.roles equals DESIGN's roles table", () => {
    expect([...ROLES]).toEqual([...design.keys()]);
    expect([...STAFF_ROLES]).toEqual([...design.keys()].filter((r) => r !== "customer"));
    for (const role of ROLES) expect([...DEFAULT_POLICY.roles[role]], role).toEqual(design.get(role));
  });
});

describe("caller", () => {
  const grant: Grant = {
    id: "g",
    purposes: ["analytics", "analytics", "nope" as Purpose, "research"],
    categories: ["user"],
    subjectScope: "all",
    regions: ["EU"],
    transferBasis: null,
    validFrom: new Date(0),
    validUntil: new Date(0),
  };
  const partner: Caller = { kind: "partner", partnerId: "p", partnerKind: "affiliate", partnerRegion: "EU", keyId: "k", grant };

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
});

function design(role: string): string[] {
  return loadFixtureRoles().get(role)!;
}
