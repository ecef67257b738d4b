import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, optOutPurposes, PURPOSES, type Purpose } from "../../src/policy/index.js";
import { loadFixturePurposes } from "./fixtureTables.js";

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
