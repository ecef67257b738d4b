import { letterOfEffect, matrixCell, matrixRowKey } from "./matrix.js";
import type { Policy } from "./policy.js";
import { PURPOSES, type Purpose } from "./purposes.js";
import { ROLES } from "./roles.js";

/** Column abbreviations, as in DESIGN.md. */
export const PURPOSE_ABBREVIATIONS: Readonly<Record<Purpose, string>> = {
  account_management: "acct",
  service_delivery: "svc",
  customer_support: "supp",
  payments: "pay",
  claims: "clm",
  marketing: "mkt",
  advertising: "ads",
  personalization: "pers",
  analytics: "anl",
  research: "res",
  fraud_prevention: "frd",
  legal_compliance: "law",
  subject_request: "dsr",
};

const ROLE_SUBJECTS: Readonly<Record<(typeof ROLES)[number], string>> = {
  customer: "only themselves",
  support_agent: "any",
  billing: "any",
  fraud_analyst: "any",
  marketing_analyst: "any, less opt-outs",
  privacy_officer: "subject_request: only the subject of a verified request",
  legal: "any",
};

/** The effective matrix, one row per category in use (inherited rows marked), in Markdown. */
export function formatMatrixTable(policy: Policy): string {
  const header = `| category | ${PURPOSES.map((p) => PURPOSE_ABBREVIATIONS[p]).join(" | ")} |`;
  const rule = `|---|${PURPOSES.map(() => "---").join("|")}|`;
  const rows = [...policy.categories.keys()].map((category) => {
    const from = matrixRowKey(policy, category);
    const note = from === category ? "" : from === null ? " (no row: denied)" : ` (from \`${from}\`)`;
    const cells = PURPOSES.map((p) => letterOfEffect(matrixCell(policy, p, category)));
    return `| \`${category}\`${note} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}

/** The roles and the purposes each may declare, in Markdown. */
export function formatRolesTable(policy: Policy): string {
  const rows = ROLES.map((role) => `| \`${role}\` | ${policy.roles[role].join(", ")} | ${ROLE_SUBJECTS[role]} |`);
  return ["| role | purposes | subjects |", "|---|---|---|", ...rows].join("\n");
}

/** The whole policy as Markdown: legend, matrix, roles. */
export function formatPolicyTable(policy: Policy): string {
  return [
    `# Privacy policy ${policy.version}`,
    "",
    "`A` as stored, `M` masked, `P` pseudonymised, `-` denied. The most each purpose may get;",
    "roles, grants and the subject's state can only narrow it.",
    "",
    "## Purpose x category",
    "",
    formatMatrixTable(policy),
    "",
    "## Roles",
    "",
    formatRolesTable(policy),
    "",
  ].join("\n");
}
