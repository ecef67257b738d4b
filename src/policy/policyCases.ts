import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { PARTNER_KINDS, type Caller, type PartnerKind } from "./caller.js";
import { decide } from "./decide.js";
import type { Effect } from "./matrix.js";
import type { PolicyError } from "./loadPolicy.js";
import type { Policy } from "./policy.js";
import { isPurpose, type Purpose } from "./purposes.js";
import { REASON_CODES, type ReasonCode } from "./reasons.js";
import { isStaffRole } from "./roles.js";
import type { SubjectState } from "./subjectState.js";

/**
 * Policy tests as data (the Cerbos way): a YAML file of cases beside the policy file, each a
 * caller, a purpose, a category and a subject's state, with the effect and reason code expected.
 * `npm run policy -- test` runs them; so does CI (test/policy/policyCases.test.ts).
 *
 * A case: `caller` is `customer` (reading their own data; `customer_other`: someone else's),
 * a staff role name, or `{ partner: KIND, purposes: [...], categories: [...], subject_scope,
 * regions, region, transfer_basis }` (defaults: every purpose and category of the case, scope
 * `all`, regions `[EU]`, region `EU`, no transfer basis). `subject` (all optional): `status`
 * (active, restricted, erased), `residency` (EU), `opted_out`, `objected` (purposes),
 * `verified_request`, `opted_in` and `linked` (to the partner). `expect`: `effect` and `reason`.
 */
export type PolicyCase = {
  readonly name: string;
  readonly line: number;
  readonly caller: Caller;
  readonly purpose: Purpose;
  readonly category: string;
  readonly subject: SubjectState;
  readonly expect: { readonly effect: Effect; readonly reason: ReasonCode };
};

export type CaseResult = PolicyCase & { readonly got: { readonly effect: Effect; readonly reason: ReasonCode }; readonly passed: boolean };

export type ParsedCases =
  | { readonly ok: true; readonly cases: readonly PolicyCase[] }
  | { readonly ok: false; readonly errors: readonly PolicyError[] };

const SUBJECT = "case-subject";
const PARTNER = "case-partner";
const SINCE = new Date("2026-01-01T00:00:00Z");
const EFFECTS: readonly string[] = ["allow", "mask", "pseudonymize", "deny"];
const STATUSES: readonly string[] = ["active", "restricted", "erased"];

type Raw = Record<string, unknown>;

/** Parses a cases file; every malformed case is an error with its line. */
export function parsePolicyCases(text: string): ParsedCases {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const errorAt = (node: Node | null | undefined, path: string, message: string): PolicyError => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return { line, column: col, path, message };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { line, column: col, path: "(syntax)", message: e.message.split("\n")[0] ?? "YAML syntax error" };
      }),
    };
  }
  const seq = doc.get("cases", true);
  if (!isSeq(seq)) return { ok: false, errors: [errorAt(doc.contents, "cases", "expected a list `cases:`")] };
  const errors: PolicyError[] = [];
  const cases: PolicyCase[] = [];
  seq.items.forEach((item, i) => {
    const path = `cases.${i}`;
    const node = item as Node;
    if (!isMap(item)) return void errors.push(errorAt(node, path, "a case is a map"));
    const raw = item.toJS(doc) as Raw;
    const bad = (message: string) => errors.push(errorAt(node, path, message));
    const name = typeof raw.name === "string" ? raw.name : `case ${i + 1}`;
    const purpose = raw.purpose;
    if (!isPurpose(purpose)) return void bad("`purpose` is not a purpose of the gateway");
    if (typeof raw.category !== "string") return void bad("`category` is missing");
    const expected = raw.expect as Raw | undefined;
    if (!expected || !EFFECTS.includes(String(expected.effect)))
      return void bad("`expect.effect` must be allow, mask, pseudonymize or deny");
    if (!(REASON_CODES as readonly string[]).includes(String(expected.reason))) return void bad("`expect.reason` is not a reason code");
    const caller = callerOf(raw.caller, purpose, raw.category);
    if (typeof caller === "string") return void bad(caller);
    const subject = subjectOf((raw.subject ?? {}) as Raw);
    if (typeof subject === "string") return void bad(subject);
    cases.push({
      name,
      line: lines.linePos(node.range?.[0] ?? 0).line,
      caller,
      purpose,
      category: raw.category,
      subject,
      expect: { effect: expected.effect as Effect, reason: expected.reason as ReasonCode },
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, cases };
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : null;
}

function callerOf(raw: unknown, purpose: Purpose, category: string): Caller | string {
  if (raw === "anonymous") return { kind: "anonymous" };
  if (raw === "customer") return { kind: "customer", customerId: SUBJECT };
  if (raw === "customer_other") return { kind: "customer", customerId: "another-customer" };
  if (isStaffRole(raw)) return { kind: "staff", staffId: "case-staff", role: raw };
  if (typeof raw === "object" && raw !== null && "partner" in raw) {
    const p = raw as Raw;
    if (!(PARTNER_KINDS as readonly unknown[]).includes(p.partner)) return `\`caller.partner\` must be one of: ${PARTNER_KINDS.join(", ")}`;
    const scope = p.subject_scope ?? "all";
    if (scope !== "all" && scope !== "consented" && scope !== "linked") return "`caller.subject_scope` must be all, consented or linked";
    const purposes = p.purposes === undefined ? [purpose] : strings(p.purposes);
    const categories = p.categories === undefined ? [category] : strings(p.categories);
    const regions = p.regions === undefined ? ["EU"] : strings(p.regions);
    if (!purposes || !categories || !regions) return "`caller.purposes`, `categories` and `regions` are lists of names";
    return {
      kind: "partner",
      partnerId: PARTNER,
      partnerKind: p.partner as PartnerKind,
      partnerRegion: typeof p.region === "string" ? p.region : "EU",
      keyId: "case-key",
      grant: {
        id: "case-grant",
        purposes: purposes.filter(isPurpose),
        categories,
        subjectScope: scope,
        regions,
        transferBasis: typeof p.transfer_basis === "string" ? p.transfer_basis : null,
        validFrom: SINCE,
        validUntil: new Date("2100-01-01T00:00:00Z"),
      },
    };
  }
  return "`caller` is customer, customer_other, anonymous, a staff role, or { partner: KIND, ... }";
}

function subjectOf(raw: Raw): SubjectState | string {
  const status = raw.status ?? "active";
  if (!STATUSES.includes(String(status))) return "`subject.status` must be active, restricted or erased";
  const optedOut = raw.opted_out === undefined ? [] : strings(raw.opted_out);
  const objected = raw.objected === undefined ? [] : strings(raw.objected);
  if (!optedOut || !objected || ![...optedOut, ...objected].every(isPurpose))
    return "`subject.opted_out` and `objected` are lists of purposes";
  return {
    customerId: SUBJECT,
    status: status as SubjectState["status"],
    residency: typeof raw.residency === "string" ? raw.residency : "EU",
    optOuts: new Map(optedOut.map((p) => [p as Purpose, SINCE])),
    objections: new Map(objected.map((p) => [p as Purpose, SINCE])),
    partnerOptIns: new Set(raw.opted_in === true ? [PARTNER] : []),
    linkedPartners: new Set(raw.linked === true ? [PARTNER] : []),
    verifiedRequest: raw.verified_request === true,
  };
}

/** Decides every case under `policy`. */
export function runPolicyCases(policy: Policy, cases: readonly PolicyCase[]): CaseResult[] {
  return cases.map((c) => {
    const d = decide(policy, c.caller, c.purpose, c.category, c.subject);
    const got = { effect: d.effect, reason: d.reason.code };
    return { ...c, got, passed: got.effect === c.expect.effect && got.reason === c.expect.reason };
  });
}
