import { PARTNER_KINDS } from "./caller.js";
import { type Effect, isAtMost, matrixCell } from "./matrix.js";
import type { Policy } from "./policy.js";
import { PURPOSES, type Purpose } from "./purposes.js";
import { formatPeriod, summarizeRetention } from "./retention.js";
import { ROLES } from "./roles.js";

/** One (role or partner kind, purpose, category) whose effect a policy change moves. */
export type EffectChange = {
  /** A role name, or `partner:KIND` (the most a grant of that kind can get). */
  readonly who: string;
  readonly purpose: Purpose;
  readonly category: string;
  readonly from: Effect;
  readonly to: Effect;
  readonly widened: boolean;
};

/** A change of a rule that is not a cell: a purpose's basis, a partner kind's opt-in, a retention period. */
export type RuleChange = { readonly what: string; readonly from: string; readonly to: string; readonly widened: boolean | null };

export type PolicyDiff = { readonly effects: readonly EffectChange[]; readonly rules: readonly RuleChange[] };

/** What `who` can get at most for (purpose, category) under `policy`: deny when it may not declare the purpose. */
function effectFor(policy: Policy, who: string, purpose: Purpose, category: string): Effect {
  if (!policy.categories.has(category)) return "deny";
  const role = ROLES.find((r) => r === who);
  if (role !== undefined && !policy.roles[role].includes(purpose)) return "deny";
  return matrixCell(policy, purpose, category);
}

const CONSENT_STRENGTH = { verified_request: 4, opt_out: 3, legal_obligation: 2, legitimate_interest: 1, contract: 0 } as const;

/**
 * Every effect that changes between two policies, widened ones first (a change is reviewed as
 * what it lets through), then the rule changes that move decisions for some subjects only.
 */
export function diffPolicies(before: Policy, after: Policy): PolicyDiff {
  const categories = [...new Set([...before.categories.keys(), ...after.categories.keys()])];
  const who = [...ROLES, ...PARTNER_KINDS.map((k) => `partner:${k}`)];
  const effects: EffectChange[] = [];
  for (const w of who) {
    for (const purpose of PURPOSES) {
      for (const category of categories) {
        const from = effectFor(before, w, purpose, category);
        const to = effectFor(after, w, purpose, category);
        if (from !== to) effects.push({ who: w, purpose, category, from, to, widened: !isAtMost(to, from) });
      }
    }
  }
  effects.sort((a, b) => Number(b.widened) - Number(a.widened));

  const rules: RuleChange[] = [];
  for (const p of PURPOSES) {
    const [x, y] = [before.purposes[p], after.purposes[p]];
    if (x.consentBasis !== y.consentBasis) {
      rules.push({
        what: `purpose ${p}: consent basis`,
        from: x.consentBasis,
        to: y.consentBasis,
        widened: CONSENT_STRENGTH[y.consentBasis] < CONSENT_STRENGTH[x.consentBasis],
      });
    }
    if (x.survivesRestriction !== y.survivesRestriction) {
      rules.push({
        what: `purpose ${p}: survives restriction`,
        from: String(x.survivesRestriction),
        to: String(y.survivesRestriction),
        widened: y.survivesRestriction,
      });
    }
    if (x.honoursObjection !== y.honoursObjection) {
      rules.push({
        what: `purpose ${p}: honours objection`,
        from: String(x.honoursObjection),
        to: String(y.honoursObjection),
        widened: !y.honoursObjection,
      });
    }
    if (x.fidesDataUse !== y.fidesDataUse)
      rules.push({ what: `purpose ${p}: Fides data use`, from: x.fidesDataUse, to: y.fidesDataUse, widened: null });
  }
  for (const k of PARTNER_KINDS) {
    const [x, y] = [before.partnerKinds[k].requiresOptIn, after.partnerKinds[k].requiresOptIn];
    if (x !== y) rules.push({ what: `partner kind ${k}: requires opt-in`, from: String(x), to: String(y), widened: !y });
  }
  for (const key of new Set([...before.retention.keys(), ...after.retention.keys()])) {
    const [x, y] = [before.retention.get(key), after.retention.get(key)];
    const [sx, sy] = [x ? summarizeRetention(x) : "none", y ? summarizeRetention(y) : "none"];
    if (sx !== sy) rules.push({ what: `retention ${key}`, from: sx, to: sy, widened: null });
  }
  const [lx, ly] = [formatPeriod(before.disclosureLogRetention.period), formatPeriod(after.disclosureLogRetention.period)];
  if (lx !== ly) rules.push({ what: "disclosure log retention", from: lx, to: ly, widened: null });
  rules.sort((a, b) => Number(b.widened === true) - Number(a.widened === true));
  return { effects, rules };
}

/** The diff as text, one change a line, widened first; empty when the policies decide alike. */
export function formatPolicyDiff(diff: PolicyDiff): string {
  const mark = (widened: boolean | null) => (widened === true ? "WIDENED " : widened === false ? "narrowed" : "changed ");
  const effect = (c: EffectChange) => `${mark(c.widened)}  ${c.who}  ${c.purpose}  ${c.category}: ${c.from} -> ${c.to}`;
  const rule = (r: RuleChange) => `${mark(r.widened)}  ${r.what}: ${r.from} -> ${r.to}`;
  const lines = [
    ...diff.effects.filter((c) => c.widened).map(effect),
    ...diff.rules.filter((r) => r.widened === true).map(rule),
    ...diff.effects.filter((c) => !c.widened).map(effect),
    ...diff.rules.filter((r) => r.widened !== true).map(rule),
  ];
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
