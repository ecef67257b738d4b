/**
 * The data map in the shape of Fides resources (fideslang), generated from the policy file and the
 * schema: the policy's custom `data_category`s (beneath fideslang keys), a `dataset` with one
 * collection per table and one field per personal column, and a `system` whose privacy
 * declarations map each purpose to its Fides data use and the categories it may read.
 */
import { assertNever } from "../policy/assertNever.js";
import { PURPOSES, type ConsentBasis } from "../policy/purposes.js";
import { describeRetention, summarizeRetention } from "../policy/retention.js";
import type { DataMapModel } from "./model.js";

export const FIDES_DATASET_KEY = "privacy_gateway_customer_db";
export const FIDES_SYSTEM_KEY = "privacy_gateway";

export interface FidesField {
  name: string;
  data_categories: string[];
  description: string;
}
export interface FidesCollection {
  name: string;
  description: string;
  fields: FidesField[];
}
export interface FidesDataset {
  fides_key: string;
  name: string;
  description: string;
  collections: FidesCollection[];
}
export interface FidesPrivacyDeclaration {
  name: string;
  data_use: string;
  data_categories: string[];
  data_subjects: string[];
  dataset_references: string[];
  legal_basis_for_processing: string;
  data_shared_with_third_parties: boolean;
  third_parties?: string;
  shared_categories: string[];
}
export interface FidesSystem {
  fides_key: string;
  name: string;
  description: string;
  system_type: string;
  responsibility: string[];
  dataset_references: string[];
  privacy_declarations: FidesPrivacyDeclaration[];
  does_international_transfers?: boolean;
  legal_basis_for_transfers?: string[];
}
/** A custom data category: one the policy adds beneath a fideslang key. */
export interface FidesDataCategory {
  fides_key: string;
  parent_key: string;
  name: string;
  description: string;
}
export interface FidesExport {
  data_category: FidesDataCategory[];
  dataset: FidesDataset[];
  system: FidesSystem[];
}

/** fideslang's legal bases (GDPR art. 6). */
export function fidesLegalBasis(basis: ConsentBasis): string {
  switch (basis) {
    case "contract":
      return "Contract";
    case "opt_out":
    case "legitimate_interest":
      return "Legitimate interests";
    case "legal_obligation":
    case "verified_request":
      return "Legal obligations";
    default:
      return assertNever(basis, "consent basis");
  }
}

export function buildFidesExport(model: DataMapModel): FidesExport {
  const retentionOf = new Map(model.categories.map((c) => [c.category, c.retention]));
  const tables = [...new Set(model.columns.map((c) => c.table))];
  const collections = tables.map(
    (table): FidesCollection => ({
      name: table,
      description: `Table ${table}: personal columns only.`,
      fields: model.columns
        .filter((c) => c.table === table)
        .map((c) => {
          const retention = retentionOf.get(c.category);
          const where = c.coordinate ? `GraphQL ${c.coordinate}, mask ${c.mask}` : `not exposed (${c.unexposed ?? ""})`;
          return {
            name: c.column,
            data_categories: [c.category],
            description: `${where}. Retention: ${retention ? `${summarizeRetention(retention)}. ${describeRetention(retention)}` : "none"}`,
          };
        }),
    }),
  );

  const recipients = model.recipients;
  const declarations = PURPOSES.flatMap((purpose): FidesPrivacyDeclaration[] => {
    const categories = model.categories.filter((c) => c.purposes.some((p) => p.purpose === purpose)).map((c) => c.category);
    if (categories.length === 0) return [];
    const definition = model.policy.purposes[purpose];
    const declaration: FidesPrivacyDeclaration = {
      name: purpose,
      data_use: definition.fidesDataUse,
      data_categories: categories,
      data_subjects: ["customer"],
      dataset_references: [FIDES_DATASET_KEY],
      legal_basis_for_processing: fidesLegalBasis(definition.consentBasis),
      data_shared_with_third_parties: false,
      shared_categories: [],
    };
    if (recipients !== null) {
      const shared = model.categories.flatMap((c) =>
        // Service providers process on our behalf (processors); affiliates and third parties receive as recipients.
        (c.recipients ?? [])
          .filter((r) => r.recipient.kind !== "service_provider" && r.purposes.includes(purpose))
          .map((r) => ({ category: c.category, name: r.recipient.name })),
      );
      if (shared.length > 0) {
        declaration.data_shared_with_third_parties = true;
        declaration.third_parties = [...new Set(shared.map((s) => s.name))].join(", ");
        declaration.shared_categories = [...new Set(shared.map((s) => s.category))];
      }
    }
    return [declaration];
  });

  const system: FidesSystem = {
    fides_key: FIDES_SYSTEM_KEY,
    name: "Privacy gateway",
    description: `GraphQL gateway in front of the customer database; every read declares a purpose (policy ${model.policy.version}).`,
    system_type: "Service",
    responsibility: ["Controller"],
    dataset_references: [FIDES_DATASET_KEY],
    privacy_declarations: declarations,
  };
  if (recipients !== null) {
    const bases = [
      ...new Set(recipients.flatMap((r) => r.grants.map((g) => g.transferBasis).filter((b): b is string => b !== null))),
    ].sort();
    system.does_international_transfers = recipients.some((r) =>
      r.grants.some((g) => g.transferBasis !== null && g.regions.some((x) => x !== r.region)),
    );
    system.legal_basis_for_transfers = bases;
  }

  const custom = [...model.policy.categories].flatMap(([key, { description, parent }]): FidesDataCategory[] =>
    parent === null ? [] : [{ fides_key: key, parent_key: parent, name: key, description }],
  );
  return {
    data_category: custom,
    dataset: [
      {
        fides_key: FIDES_DATASET_KEY,
        name: "Customer database",
        description:
          "Personal columns of the gateway's database, each with its Fides data category. Generated by `npm run datamap`; do not edit by hand.",
        collections,
      },
    ],
    system: [system],
  };
}

export function renderFidesExport(model: DataMapModel): string {
  return `${JSON.stringify(buildFidesExport(model), null, 2)}\n`;
}
