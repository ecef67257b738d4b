import { assertNever } from "./assertNever.js";
import { categoryLineage } from "./categories.js";
import type { Policy } from "./policy.js";
import type { Purpose } from "./purposes.js";

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

/** One cell as written in the policy file and DESIGN.md: `A` as stored, `M` masked, `P` pseudonymised, `-` denied. */
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

/** Row keys found so far, per matrix (a policy is immutable; a reload brings a new matrix). */
const rowKeys = new WeakMap<Policy["matrix"], Map<string, string | null>>();

/** The category whose row governs `category` under `policy`: itself or its nearest parent with a row, or null. */
export function matrixRowKey(policy: Policy, category: string): string | null {
  let known = rowKeys.get(policy.matrix);
  if (!known) rowKeys.set(policy.matrix, (known = new Map()));
  let key = known.get(category);
  if (key === undefined) known.set(category, (key = categoryLineage(category).find((k) => policy.matrix.has(k)) ?? null));
  return key;
}

/** The most `purpose` may get for `category`. Anything without a row (own or inherited) is deny. */
export function matrixCell(policy: Policy, purpose: Purpose, category: string): Effect {
  const key = matrixRowKey(policy, category);
  return key === null ? "deny" : (policy.matrix.get(key)?.[purpose] ?? "deny");
}
