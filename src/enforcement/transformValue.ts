import { applyMask } from "../policy/masks.js";
import type { Effect } from "../policy/matrix.js";
import { pseudonymize } from "../policy/pseudonymize.js";
import type { Purpose } from "../policy/purposes.js";
import type { Reason } from "../policy/reasons.js";
import { assertNever } from "../policy/assertNever.js";
import type { PersonalField } from "./dataMap.js";

export type Transformed =
  | { kind: "value"; value: unknown; outcome: "disclosed" | "masked" | "pseudonymized" }
  | { kind: "withheld"; reason: Reason };

const noSafeForm = (field: PersonalField, effect: string): Transformed => ({
  kind: "withheld",
  reason: { code: "NO_SAFE_FORM", message: `${field.coordinate} has no ${effect === "mask" ? "masked" : "pseudonymous"} form; withheld instead.` },
});

/**
 * A non-null value as the decision allows it to leave. Fails closed: a mask or pseudonym that
 * cannot apply to the field's value kind (a date, a boolean) withholds rather than pass the value.
 */
export function transformValue(
  field: PersonalField,
  effect: Exclude<Effect, "deny">,
  value: unknown,
  options: { pseudonymKey: Uint8Array; purpose: Purpose },
): Transformed {
  switch (effect) {
    case "allow":
      return { kind: "value", value, outcome: "disclosed" };
    case "mask": {
      if (field.mask === "KEEP") return { kind: "value", value, outcome: "masked" };
      if (field.mask === "WITHHOLD") return noSafeForm(field, effect);
      const masked = maskable(value) ? applyMask(field.mask, value as never) : null;
      return masked === null ? noSafeForm(field, effect) : { kind: "value", value: masked, outcome: "masked" };
    }
    case "pseudonymize": {
      const one = (v: unknown) => pseudonymize(options.pseudonymKey, options.purpose, field.category, v);
      const result = field.valueKind === "string" ? one(value)
        : field.valueKind === "list" && Array.isArray(value) ? value.map(one) : null;
      if (result === null || (Array.isArray(result) && result.some((r) => r === null))) return noSafeForm(field, effect);
      return { kind: "value", value: result, outcome: "pseudonymized" };
    }
    default:
      return assertNever(effect, "effect");
  }
}

/** Values masks know how to shorten: strings, numbers and lists of them (never dates or objects). */
function maskable(value: unknown): boolean {
  if (typeof value === "string" || typeof value === "number") return true;
  return Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number");
}
