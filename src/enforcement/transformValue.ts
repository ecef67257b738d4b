import { applyMask } from "../policy/masks.js";
import type { Effect } from "../policy/matrix.js";
import { pseudonymize } from "../policy/pseudonymize.js";
import type { Reason } from "../policy/reasons.js";
import { assertNever } from "../policy/assertNever.js";
import type { PersonalField } from "./dataMap.js";
import type { Outcome } from "./FieldOutcomes.js";

/**
 * What the disclosure log records for a value that left: `disclosed` when it left as stored
 * (an `allow`, and a mask or pseudonym that changed nothing, such as a KEEP mask or a container),
 * else outcomeOf(effect). Masked means changed.
 */
export function outcomeOfRelease(effect: Exclude<Effect, "deny">, stored: unknown, released: unknown): Outcome {
  return released === stored ? "disclosed" : outcomeOf(effect);
}

/** The key and the recipients' namespace (policy/identifierScope.ts, pseudonymScope) of a request's pseudonyms. */
export interface PseudonymOptions {
  readonly pseudonymKey: Uint8Array;
  readonly scope: string;
}

/** A value whose decision cannot be applied to it (no masked or pseudonymous form): withheld instead, for this reason. */
export class NoSafeForm {
  constructor(readonly reason: Reason) {}
}

/**
 * What the disclosure log records for a value that leaves under each effect. A switch, not a
 * lookup table: it runs for every disclosed cell, and a keyed load whose key varies goes megamorphic.
 */
export function outcomeOf(effect: Exclude<Effect, "deny">): Outcome {
  switch (effect) {
    case "allow":
      return "disclosed";
    case "mask":
      return "masked";
    case "pseudonymize":
      return "pseudonymized";
    default:
      return assertNever(effect, "effect");
  }
}

const noSafeForm = (field: PersonalField, effect: string) =>
  new NoSafeForm({
    code: "NO_SAFE_FORM",
    message: `${field.coordinate} has no ${effect === "mask" ? "masked" : "pseudonymous"} form; withheld instead.`,
  });

/**
 * A non-null value masked or pseudonymised as decided, or NoSafeForm. Fails closed: a mask or
 * pseudonym that cannot apply to the field's value kind (a date, a boolean, an enum) withholds
 * rather than pass the value. A container (valueKind `object`) passes as it is: what it discloses
 * of its own is that it exists and how many it holds, and its fields are decided one by one. The
 * value is returned unchanged (the same reference) exactly when nothing was changed, so that the
 * disclosure record can say so (outcomeOfRelease). Allocates nothing but the new value: it runs
 * for every masked cell of a page.
 */
export function transformValue(
  field: PersonalField,
  effect: Exclude<Effect, "deny" | "allow">,
  value: unknown,
  options: PseudonymOptions,
): unknown {
  if (field.valueKind === "object") return value;
  switch (effect) {
    case "mask": {
      if (field.mask === "KEEP") return value;
      if (field.valueKind === "enum") return noSafeForm(field, effect); // a shortened enum value is no value of the enum
      if (field.mask === "WITHHOLD") return noSafeForm(field, effect);
      const masked = maskable(value) ? applyMask(field.mask, value as never) : null;
      return masked === null ? noSafeForm(field, effect) : masked;
    }
    case "pseudonymize": {
      const result = pseudonymized(field, value, options);
      return result === null ? noSafeForm(field, effect) : result;
    }
    default:
      return assertNever(effect, "effect");
  }
}

/**
 * The pseudonym of a string, or of each string of a list; null when any has none. Apart from
 * transformValue: a closure over its arguments there would make every call, masked cells
 * included, allocate a context for them (measured: about 150 KB a page of 3,116 masked cells).
 */
function pseudonymized(field: PersonalField, value: unknown, options: PseudonymOptions): unknown {
  const one = (v: unknown) => pseudonymize(options.pseudonymKey, options.scope, field.category, v);
  const result = field.valueKind === "string" ? one(value) : field.valueKind === "list" && Array.isArray(value) ? value.map(one) : null;
  return result === null || (Array.isArray(result) && result.some((r) => r === null)) ? null : result;
}

/** Values masks know how to shorten: strings, numbers and lists of them (never dates or objects). */
function maskable(value: unknown): boolean {
  if (typeof value === "string" || typeof value === "number") return true;
  return Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number");
}
