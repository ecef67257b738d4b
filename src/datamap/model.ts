/**
 * The data map as one model, per category: where it lives (GraphQL coordinates, DB columns), who
 * may read it for what (matrix, purposes, roles), who receives it (partner grants), how long it is
 * kept (retention). Both the Markdown record of processing and the Fides export render this.
 */
import type { DataMap, PersonalField } from "../enforcement/dataMap.js";
import { CATEGORIES, matchesPrefix, type Category } from "../policy/categories.js";
import { DEFAULT_MASK, type MaskKind } from "../policy/masks.js";
import { matrixCell, type Effect } from "../policy/matrix.js";
import { PURPOSES, type Purpose } from "../policy/purposes.js";
import { retentionFor, type ResolvedRetention } from "../policy/retention.js";
import type { Policy } from "../policy/policy.js";
import { ROLES, type Role } from "../policy/roles.js";
import { personalColumns, type PersonalColumn } from "./columns.js";
import type { Recipient, RecipientGrant } from "./recipients.js";

export interface PurposeUse {
  purpose: Purpose;
  /** The most this purpose may get (never `deny` here). */
  effect: Exclude<Effect, "deny">;
  /** Roles that may declare the purpose. */
  roles: Role[];
}

export interface CategoryRecipient {
  recipient: Recipient;
  grant: RecipientGrant;
  /** The grant's purposes that the matrix lets read this category. */
  purposes: Purpose[];
}

export interface CategoryEntry {
  category: Category;
  defaultMask: MaskKind;
  /** Output fields marked with this category, by coordinate. */
  fields: PersonalField[];
  /** Input fields (filters, mutation inputs) marked with it. */
  inputs: PersonalField[];
  columns: PersonalColumn[];
  purposes: PurposeUse[];
  retention: ResolvedRetention;
  /** Null when generated without a database. */
  recipients: CategoryRecipient[] | null;
}

export interface DataMapModel {
  /** The policy the record and the Fides export are generated from. */
  policy: Policy;
  categories: CategoryEntry[];
  columns: PersonalColumn[];
  recipients: Recipient[] | null;
}

const byCoordinate = (a: PersonalField, b: PersonalField) => a.coordinate.localeCompare(b.coordinate);

/**
 * Builds the model. Covers every category that a marked field or a personal column carries, in
 * taxonomy order. Throws when one has no retention rule: the record must never say "unknown".
 */
export function buildDataMapModel(dataMap: DataMap, recipients: readonly Recipient[] | null, policy: Policy): DataMapModel {
  const columns = personalColumns(dataMap);
  const present = new Set<string>([...dataMap.categories, ...columns.map((c) => c.category)]);
  const categories = CATEGORIES.filter((c) => present.has(c)).map((category): CategoryEntry => {
    const retention = retentionFor(policy, category);
    if (!retention) throw new Error(`data map: category ${category} has no retention rule in the policy`);
    const purposes: PurposeUse[] = [];
    for (const purpose of PURPOSES) {
      const effect = matrixCell(policy, purpose, category);
      if (effect === "deny") continue;
      purposes.push({ purpose, effect, roles: ROLES.filter((r) => policy.roles[r].includes(purpose)) });
    }
    const allowed = new Set(purposes.map((p) => p.purpose));
    const categoryRecipients =
      recipients === null
        ? null
        : recipients.flatMap((recipient) =>
            recipient.grants
              .filter((g) => g.categories.some((prefix) => matchesPrefix(category, prefix)))
              .map((grant) => ({ recipient, grant, purposes: PURPOSES.filter((p) => grant.purposes.includes(p) && allowed.has(p)) }))
              .filter((r) => r.purposes.length > 0),
          );
    return {
      category,
      defaultMask: DEFAULT_MASK[category],
      fields: [...dataMap.fields.values()].filter((f) => f.category === category).sort(byCoordinate),
      inputs: [...dataMap.inputs.values()].filter((f) => f.category === category).sort(byCoordinate),
      columns: columns.filter((c) => c.category === category),
      purposes,
      retention,
      recipients: categoryRecipients,
    };
  });
  return { policy, categories, columns, recipients: recipients === null ? null : [...recipients] };
}
