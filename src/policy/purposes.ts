/** Purposes: why a value is read. Each maps to a Fides data use (fideslang 2.x) for export. */
export const PURPOSES = [
  "account_management",
  "service_delivery",
  "customer_support",
  "payments",
  "claims",
  "marketing",
  "advertising",
  "personalization",
  "analytics",
  "research",
  "fraud_prevention",
  "legal_compliance",
  "subject_request",
] as const;

export type Purpose = (typeof PURPOSES)[number];

export type ConsentBasis =
  | "contract"
  | "opt_out"
  | "legitimate_interest"
  | "legal_obligation"
  | "verified_request";

export type PurposeDefinition = {
  /** fideslang data use key, for the Fides export. */
  readonly fidesDataUse: string;
  readonly consentBasis: ConsentBasis;
  /** Still served while the subject's processing is restricted. */
  readonly survivesRestriction: boolean;
  /** A subject's objection to this purpose stops it. */
  readonly honoursObjection: boolean;
  readonly description: string;
};

export const PURPOSE_DEFINITIONS: Readonly<Record<Purpose, PurposeDefinition>> = {
  account_management: {
    fidesDataUse: "essential.service",
    consentBasis: "contract",
    survivesRestriction: false,
    honoursObjection: false,
    description: "Create and manage the online account.",
  },
  service_delivery: {
    fidesDataUse: "essential.service.operations",
    consentBasis: "contract",
    survivesRestriction: false,
    honoursObjection: false,
    description: "Provide products and services, register products, product support.",
  },
  customer_support: {
    fidesDataUse: "essential.service.operations.support",
    consentBasis: "contract",
    survivesRestriction: false,
    honoursObjection: false,
    description: "Respond to inquiries and requests.",
  },
  payments: {
    fidesDataUse: "essential.service.payment_processing",
    consentBasis: "contract",
    survivesRestriction: false,
    honoursObjection: false,
    description: "Process payments and billing.",
  },
  claims: {
    fidesDataUse: "essential.service.operations.support",
    consentBasis: "contract",
    survivesRestriction: false,
    honoursObjection: false,
    description: "Process claims.",
  },
  marketing: {
    fidesDataUse: "marketing.communications",
    consentBasis: "opt_out",
    survivesRestriction: false,
    honoursObjection: true,
    description: "Surveys, events, promotions, mailing lists.",
  },
  advertising: {
    fidesDataUse: "marketing.advertising.third_party.targeted",
    consentBasis: "opt_out",
    survivesRestriction: false,
    honoursObjection: true,
    description: "Interest-based advertising and remarketing.",
  },
  personalization: {
    fidesDataUse: "personalize.content.profiled",
    consentBasis: "opt_out",
    survivesRestriction: false,
    honoursObjection: true,
    description: "Customise visits and display tailored content.",
  },
  analytics: {
    fidesDataUse: "analytics.reporting",
    consentBasis: "opt_out",
    survivesRestriction: false,
    honoursObjection: true,
    description: "Operate and improve the business, data analytics.",
  },
  research: {
    fidesDataUse: "analytics",
    consentBasis: "opt_out",
    survivesRestriction: false,
    honoursObjection: true,
    description: "Market research and trend analysis, on anonymised or pseudonymised data.",
  },
  fraud_prevention: {
    fidesDataUse: "essential.fraud_detection",
    consentBasis: "legitimate_interest",
    survivesRestriction: true,
    honoursObjection: false,
    description: "Protect against fraud and crime.",
  },
  legal_compliance: {
    fidesDataUse: "essential.legal_obligation",
    consentBasis: "legal_obligation",
    survivesRestriction: true,
    honoursObjection: false,
    description: "Comply with law and answer lawful requests.",
  },
  subject_request: {
    fidesDataUse: "essential.legal_obligation",
    consentBasis: "verified_request",
    survivesRestriction: true,
    honoursObjection: false,
    description: "Fulfil a verified data-subject request.",
  },
};

const PURPOSE_SET: ReadonlySet<string> = new Set(PURPOSES);

export function isPurpose(s: unknown): s is Purpose {
  return typeof s === "string" && PURPOSE_SET.has(s);
}

/** Purposes a subject can opt out of (consent basis `opt_out`). */
export const OPT_OUT_PURPOSES: readonly Purpose[] = PURPOSES.filter(
  (p) => PURPOSE_DEFINITIONS[p].consentBasis === "opt_out",
);
