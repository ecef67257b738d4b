/** The record of processing (GDPR art. 30 style) as Markdown, rendered from the data map model. */
import { assertNever } from "../policy/assertNever.js";
import type { Effect } from "../policy/matrix.js";
import { PURPOSE_ABBREVIATIONS, formatRolesTable } from "../policy/policyTable.js";
import { PARTNER_KINDS } from "../policy/caller.js";
import type { Policy } from "../policy/policy.js";
import { PURPOSES, type ConsentBasis } from "../policy/purposes.js";
import { describeRetention, formatPeriod, formatRetentionTable, summarizeRetention } from "../policy/retention.js";
import type { CategoryEntry, DataMapModel } from "./model.js";
import type { Recipient, RecipientGrant } from "./recipients.js";

/** The line that says where recipients came from; the docs-current test reads it back. */
export const RECIPIENTS_FROM_DATABASE = "Recipients: the partner grants in the database (unrevoked), at generation time.";
export const RECIPIENTS_WITHOUT_DATABASE = "Recipients: see partner grants (generated without a database).";

export function effectPhrase(effect: Exclude<Effect, "deny">): string {
  switch (effect) {
    case "allow":
      return "as stored";
    case "mask":
      return "masked";
    case "pseudonymize":
      return "pseudonymised";
    default:
      return assertNever(effect, "effect");
  }
}

export function basisPhrase(basis: ConsentBasis): string {
  switch (basis) {
    case "contract":
      return "contract (no consent needed)";
    case "opt_out":
      return "legitimate interest, opt-out and objection honoured";
    case "legitimate_interest":
      return "legitimate interest; survives restriction";
    case "legal_obligation":
      return "legal obligation; survives restriction and objection";
    case "verified_request":
      return "legal obligation: a verified data-subject request for that subject";
    default:
      return assertNever(basis, "consent basis");
  }
}

const code = (s: string) => `\`${s}\``;
const cell = (s: string) => s.replace(/\|/g, "\\|");

function scopePhrase(grant: RecipientGrant): string {
  switch (grant.subjectScope) {
    case "all":
      return "all subjects";
    case "consented":
      return "subjects who opted in to this partner";
    case "linked":
      return "subjects linked to this partner";
    default:
      return assertNever(grant.subjectScope, "subject scope");
  }
}

/** How a grant may move data across borders. */
export function transferPhrase(recipient: Recipient, grant: RecipientGrant): string {
  const regions = grant.regions.length === 0 ? "none" : grant.regions.join(", ");
  const abroad = grant.regions.filter((r) => r !== recipient.region);
  if (grant.transferBasis !== null) {
    return `receives in ${recipient.region} data of subjects resident in ${regions}; transfer basis ${code(grant.transferBasis)}`;
  }
  if (abroad.length === 0) return `receives in ${recipient.region} data of subjects resident in ${regions}; no transfer`;
  return `receives in ${recipient.region} only data of subjects resident in ${recipient.region}: no transfer basis for ${abroad.join(", ")}`;
}

function categorySection(entry: CategoryEntry, policy: Policy): string {
  const out: string[] = [];
  out.push(`### ${code(entry.category)}`, "");
  out.push(`Default mask: ${code(entry.defaultMask)}.`, "");

  out.push("**Fields**", "");
  out.push("| GraphQL field | database column | mask |", "|---|---|---|");
  const columnOf = new Map(entry.columns.filter((c) => c.coordinate).map((c) => [c.coordinate as string, c]));
  for (const f of entry.fields) {
    const c = columnOf.get(f.coordinate);
    out.push(`| ${code(f.coordinate)} | ${c ? code(`${c.table}.${c.column}`) : "(none: derived or always null)"} | ${code(f.mask)} |`);
  }
  for (const c of entry.columns.filter((c) => c.coordinate === null)) {
    out.push(`| (not exposed: ${cell(c.unexposed ?? "")}) | ${code(`${c.table}.${c.column}`)} | never disclosed |`);
  }
  if (entry.inputs.length > 0) {
    out.push(
      "",
      `Also accepted as input (filtering or writing counts as reading): ${entry.inputs.map((f) => code(f.coordinate)).join(", ")}.`,
    );
  }
  out.push("");

  out.push("**Purposes** (the most each may get; roles, grants and the subject's choices only narrow it)", "");
  if (entry.purposes.length === 0) {
    out.push("None: no purpose may read this category.");
  } else {
    out.push("| purpose | Fides data use | legal basis | at most | declared by |", "|---|---|---|---|---|");
    for (const p of entry.purposes) {
      const d = policy.purposes[p.purpose];
      const roles = p.roles.length > 0 ? p.roles.map(code).join(", ") : "partners only";
      out.push(`| ${code(p.purpose)} | ${code(d.fidesDataUse)} | ${basisPhrase(d.consentBasis)} | ${effectPhrase(p.effect)} | ${roles} |`);
    }
  }
  out.push("");

  out.push("**Recipients**", "");
  const internal = [...new Set(entry.purposes.flatMap((p) => p.roles))];
  out.push(`- Internal: ${internal.length > 0 ? internal.map(code).join(", ") : "none"}.`);
  if (entry.recipients === null) {
    out.push("- Partners: see partner grants.");
  } else if (entry.recipients.length === 0) {
    out.push("- Partners: none (no grant covers this category for a purpose that may read it).");
  } else {
    for (const r of entry.recipients) {
      out.push(
        `- ${cell(r.recipient.name)} (${r.recipient.kind}, ${r.recipient.region}): ${r.purposes.map(code).join(", ")}; ` +
          `${scopePhrase(r.grant)}${r.recipient.kind === "third_party" ? " (a third party always needs the subject's opt-in)" : ""}; ` +
          `grant valid ${r.grant.validFrom} to ${r.grant.validUntil}.`,
      );
    }
  }
  out.push("");

  out.push("**Retention**", "");
  const from = entry.retention.key === entry.category ? "" : ` (rule of ${code(entry.retention.key)})`;
  const summary = summarizeRetention(entry.retention);
  out.push(
    `${summary.charAt(0).toUpperCase()}${summary.slice(1)}${from}. ${describeRetention(entry.retention)} ${entry.retention.rationale}`,
    "",
  );

  out.push("**Transfers**", "");
  if (entry.recipients === null) {
    out.push(
      "A partner receives a subject's data only for subjects resident in its grant's regions; outside the subject's residency only when the grant names a transfer basis. See partner grants.",
    );
  } else if (entry.recipients.length === 0) {
    out.push("None: no partner receives this category.");
  } else {
    for (const r of entry.recipients) out.push(`- ${cell(r.recipient.name)}: ${transferPhrase(r.recipient, r.grant)}.`);
  }
  out.push("");
  return out.join("\n");
}

function letter(entry: CategoryEntry, purpose: (typeof PURPOSES)[number]): string {
  const use = entry.purposes.find((p) => p.purpose === purpose);
  if (!use) return "-";
  return use.effect === "allow" ? "A" : use.effect === "mask" ? "M" : "P";
}

function recipientsSection(recipients: readonly Recipient[] | null): string {
  if (recipients === null) return "See partner grants: this record was generated without a database.\n";
  if (recipients.length === 0) return "No partners.\n";
  const rows = recipients.flatMap((r) =>
    (r.grants.length === 0 ? [null] : r.grants).map((g) =>
      g === null
        ? `| ${cell(r.name)} | ${r.kind} | ${r.region} | ${code(r.contractRef)} | (no grant) | | | | |`
        : `| ${cell(r.name)} | ${r.kind} | ${r.region} | ${code(r.contractRef)} | ${g.purposes.map(code).join(", ")} | ${g.categories.map(code).join(", ")} | ${g.subjectScope} | ${g.regions.join(", ")} | ${g.transferBasis ? code(g.transferBasis) : "none"} |`,
    ),
  );
  return [
    "| partner | kind | region | contract | purposes | categories | subjects | subject regions | transfer basis |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

/** The whole record as Markdown. Deterministic: same inputs, same bytes. */
export function renderRecordOfProcessing(model: DataMapModel): string {
  const out: string[] = [];
  out.push(
    "# Record of processing",
    "",
    "Generated by `npm run datamap` from the `@personal` marks of the schema, the personal columns of the",
    `database (src/enforcement/personalColumns.ts) and the privacy policy ${code(model.policy.version)} (the policy file: matrix,`,
    "purposes, roles, retention). Do not edit by hand; a test keeps it current.",
    "",
    model.recipients === null ? RECIPIENTS_WITHOUT_DATABASE : RECIPIENTS_FROM_DATABASE,
    "",
    "Controller: the company operating this gateway. Data subjects: its customers. Every read is made for a",
    "declared purpose and recorded in the disclosure log (who, which purpose, which subject, which fields;",
    "never a value).",
    "",
    "## Categories at a glance",
    "",
    `\`A\` as stored, \`M\` masked, \`P\` pseudonymised, \`-\` denied. Columns: ${PURPOSES.map((p) => `\`${PURPOSE_ABBREVIATIONS[p]}\` ${p}`).join(", ")}.`,
    "",
    `| category | fields | columns | ${PURPOSES.map((p) => PURPOSE_ABBREVIATIONS[p]).join(" | ")} | retention |`,
    `|---|---|---|${PURPOSES.map(() => "---").join("|")}|---|`,
  );
  for (const e of model.categories) {
    out.push(
      `| ${code(e.category)} | ${e.fields.length} | ${e.columns.length} | ${PURPOSES.map((p) => letter(e, p)).join(" | ")} | ${summarizeRetention(e.retention)} |`,
    );
  }
  out.push("", "## Categories", "");
  for (const e of model.categories) out.push(categorySection(e, model.policy));

  out.push("## Purposes", "");
  out.push(
    "| purpose | description | Fides data use | legal basis | survives restriction | honours objection |",
    "|---|---|---|---|---|---|",
  );
  for (const p of PURPOSES) {
    const d = model.policy.purposes[p];
    out.push(
      `| ${code(p)} | ${d.description} | ${code(d.fidesDataUse)} | ${basisPhrase(d.consentBasis)} | ${d.survivesRestriction ? "yes" : "no"} | ${d.honoursObjection ? "yes" : "no"} |`,
    );
  }
  const optInKinds = PARTNER_KINDS.filter((k) => model.policy.partnerKinds[k].requiresOptIn);
  if (optInKinds.length > 0) {
    out.push(
      "",
      `Sharing with a partner of kind ${optInKinds.map(code).join(" or ")} always needs the subject's opt-in for that partner, whatever the purpose.`,
    );
  }
  out.push("");

  out.push(
    "## Roles",
    "",
    formatRolesTable(model.policy),
    "",
    "A partner's grant replaces the role: its purposes, categories, subjects and regions can only narrow the matrix.",
    "",
  );
  out.push("## Recipients", "", recipientsSection(model.recipients));
  out.push(
    "## Transfers",
    "",
    "A partner receives a subject's data only when the subject's residency is among its grant's regions. When the",
    "partner's own region differs from the subject's residency, the grant must name a transfer basis (e.g. standard",
    "contractual clauses); without one the partner receives only data of subjects resident in its own region.",
    "",
  );
  out.push("## Retention schedule", "", formatRetentionTable(model.policy), "");
  out.push(
    "Enforced by the retention purge (src/retention/purge.ts), which the server runs daily and the privacy office on",
    "demand (`runRetentionPurge`), and which records each run's counts in `purge_runs`. Data of a subject under",
    "restriction is held (stored, not erased) while the restriction lasts.",
    "",
    `The disclosure log (who read which subject's fields, for which purpose) is kept ${formatPeriod(model.policy.disclosureLogRetention.period)}, then dropped a`,
    `month at a time, so a record may stay up to a month longer. ${model.policy.disclosureLogRetention.rationale}`,
    "",
  );
  return out.join("\n");
}
