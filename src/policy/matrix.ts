import { assertNever } from "./assertNever.js";
import { CATEGORIES, type Category, categoryLineage, isCategory } from "./categories.js";
import { PURPOSES, type Purpose } from "./purposes.js";

/** What a decision discloses: the value as stored, its mask, a keyed pseudonym, or nothing. */
export type Effect = "allow" | "mask" | "pseudonymize" | "deny";

/** Narrowest first. Every rule after the matrix may only move an effect towards the front. */
export const EFFECT_ORDER: readonly Effect[] = ["deny", "pseudonymize", "mask", "allow"];

function rank(effect: Effect): number {
  switch (effect) {
    case "deny":
      return 0;
    case "pseudonymize":
      return 1;
    case "mask":
      return 2;
    case "allow":
      return 3;
    default:
      return assertNever(effect, "effect");
  }
}

/** The narrower of two effects. */
export function narrowest(a: Effect, b: Effect): Effect {
  return rank(a) <= rank(b) ? a : b;
}

/** True when `a` discloses no more than `b`. */
export function isAtMost(a: Effect, b: Effect): boolean {
  return rank(a) <= rank(b);
}

/** One cell as written in DESIGN.md: `A` as stored, `M` masked, `P` pseudonymised, `-` denied. */
export type MatrixLetter = "A" | "M" | "P" | "-";

export function effectOfLetter(letter: MatrixLetter): Effect {
  switch (letter) {
    case "A":
      return "allow";
    case "M":
      return "mask";
    case "P":
      return "pseudonymize";
    case "-":
      return "deny";
    default:
      return assertNever(letter, "matrix letter");
  }
}

export function letterOfEffect(effect: Effect): MatrixLetter {
  switch (effect) {
    case "allow":
      return "A";
    case "mask":
      return "M";
    case "pseudonymize":
      return "P";
    case "deny":
      return "-";
    default:
      return assertNever(effect, "effect");
  }
}

type L = MatrixLetter;
/** One letter per purpose, in PURPOSES order (acct svc supp pay clm mkt ads pers anl res frd law dsr). */
type Row = readonly [L, L, L, L, L, L, L, L, L, L, L, L, L];

// Transcribed from DESIGN.md section 2, "The default matrix", plus the rows of the two categories
// that classify everything else about a subject: `user.account` (the account's metadata: status,
// creation, products held, when a profile changed) and `user.location.imprecise` (residency: a
// region, what a masked precise location shows anyway). Categories without a row inherit their
// nearest ancestor's row; with none, they are denied.
const ROWS: Readonly<Partial<Record<Category, Row>>> = {
  //                                acct svc supp pay clm mkt ads pers anl res frd law dsr
  "user.name":                      ["A", "A", "A", "A", "A", "A", "-", "A", "P", "-", "A", "A", "A"],
  "user.contact.email":             ["A", "A", "A", "A", "A", "A", "P", "-", "P", "-", "A", "A", "A"],
  "user.contact.phone_number":      ["A", "A", "A", "M", "A", "A", "-", "-", "-", "-", "A", "A", "A"],
  "user.contact.address":           ["A", "A", "M", "A", "A", "M", "M", "M", "M", "M", "A", "A", "A"],
  "user.contact.address.billing":   ["A", "-", "M", "A", "A", "-", "-", "-", "M", "-", "A", "A", "A"],
  "user.account":                   ["A", "A", "A", "A", "A", "A", "-", "A", "P", "P", "A", "A", "A"],
  "user.account.username":          ["A", "M", "A", "-", "M", "-", "-", "-", "P", "-", "A", "A", "A"],
  "user.unique_id.account_number":  ["A", "A", "M", "A", "A", "-", "-", "-", "P", "-", "A", "A", "A"],
  "user.financial.credit_card":     ["M", "-", "M", "A", "M", "-", "-", "-", "-", "-", "M", "A", "M"],
  "user.content.private":           ["A", "-", "A", "-", "A", "-", "-", "-", "-", "-", "A", "A", "A"],
  "user.social":                    ["A", "-", "-", "-", "-", "-", "-", "A", "P", "-", "A", "A", "A"],
  "user.location.precise":          ["A", "M", "-", "-", "-", "M", "M", "M", "M", "M", "A", "A", "A"],
  "user.location.imprecise":        ["A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A"],
  "user.device.ip_address":         ["A", "-", "M", "-", "-", "-", "M", "M", "M", "M", "A", "A", "A"],
  "user.device":                    ["A", "A", "A", "-", "-", "-", "A", "A", "A", "A", "A", "A", "A"],
  "user.demographic.language":      ["A", "A", "A", "-", "A", "A", "A", "A", "A", "A", "A", "A", "A"],
  "user.behavior.browsing_history": ["A", "-", "-", "-", "-", "-", "A", "A", "P", "P", "A", "A", "A"],
  "user.behavior.purchase_history": ["A", "A", "A", "A", "A", "A", "M", "A", "A", "P", "A", "A", "A"],
  "user.privacy_preferences":       ["A", "A", "A", "-", "-", "A", "A", "A", "A", "-", "-", "A", "A"],
};

export type MatrixRow = Readonly<Record<Purpose, Effect>>;

function toRow(row: Row): MatrixRow {
  const out = {} as Record<Purpose, Effect>;
  PURPOSES.forEach((purpose, i) => {
    out[purpose] = effectOfLetter(row[i] as L);
  });
  return Object.freeze(out);
}

/** The categories that have a row of their own, with that row. */
export const DEFAULT_MATRIX: Readonly<Partial<Record<Category, MatrixRow>>> = Object.freeze(
  Object.fromEntries(
    Object.entries(ROWS).map(([category, row]) => [category, toRow(row as Row)]),
  ) as Partial<Record<Category, MatrixRow>>,
);

function governingRow(category: string): Category | null {
  for (const key of categoryLineage(category)) {
    if (isCategory(key) && DEFAULT_MATRIX[key] !== undefined) return key;
  }
  return null;
}

// Resolved once: decide() runs per field and subject, so the lookup is a map hit.
const ROW_KEY: ReadonlyMap<string, Category | null> = new Map(CATEGORIES.map((c) => [c, governingRow(c)]));

/** The category whose row governs `category`: itself or its nearest ancestor with a row, or null. */
export function matrixRowKey(category: Category): Category | null {
  return ROW_KEY.get(category) ?? null;
}

/** The most `purpose` may get for `category`. Anything without a row (own or inherited) is deny. */
export function matrixCell(purpose: Purpose, category: Category): Effect {
  const key = matrixRowKey(category);
  if (key === null) return "deny";
  return DEFAULT_MATRIX[key]?.[purpose] ?? "deny";
}
