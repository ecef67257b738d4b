import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { ProfileInput } from "./ProfileInput.js";
import type { ProfileChanges } from "./profileQueries.js";

const RULES: Record<string, { pattern: RegExp; hint: string }> = {
  fullName: { pattern: /^[^\p{Cc}]{1,200}$/u, hint: "1 to 200 characters, no control characters" },
  displayName: { pattern: /^[^\p{Cc}]{1,80}$/u, hint: "1 to 80 characters, no control characters" },
  email: { pattern: /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/, hint: "an email address" },
  phone: { pattern: /^\+?[0-9 ()-]{5,24}$/, hint: "digits, spaces, parentheses and dashes, optionally starting with +" },
  username: { pattern: /^[A-Za-z0-9_.-]{3,40}$/, hint: "3 to 40 letters, digits, dots, dashes or underscores" },
  language: { pattern: /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, hint: "a BCP 47 language tag such as en or pt-BR" },
  line1: { pattern: /^[^\p{Cc}]{1,200}$/u, hint: "1 to 200 characters" },
  line2: { pattern: /^[^\p{Cc}]{0,200}$/u, hint: "up to 200 characters" },
  postalCode: { pattern: /^[A-Za-z0-9 -]{2,12}$/, hint: "2 to 12 letters, digits, spaces or dashes" },
  city: { pattern: /^[^\p{Cc}]{1,100}$/u, hint: "1 to 100 characters" },
  country: { pattern: /^[A-Z]{2}$/, hint: "an ISO 3166-1 alpha-2 code such as FR" },
};

/**
 * Checks every given field and turns the input into column changes. Invalid input fails as a
 * whole (nothing is written) with BAD_USER_INPUT naming the fields, never echoing their values.
 */
export function validateProfileInput(input: ProfileInput): ProfileChanges {
  const invalid: { field: string; expected: string }[] = [];
  const check = (field: string, value: string | null | undefined, rule = field, nullable = true) => {
    if (value === undefined || (value === null && nullable)) return;
    const r = RULES[rule]!;
    if (value === null || !r.pattern.test(value)) invalid.push({ field, expected: r.hint });
  };
  const { address, ...simple } = input;
  for (const [field, value] of Object.entries(simple)) check(field, value as string | null | undefined);
  if (address) {
    for (const [field, value] of Object.entries(address))
      check(`address.${field}`, value as string | null | undefined, field, field === "line2");
  }
  if (invalid.length > 0) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `Invalid profile input: ${invalid.map((i) => i.field).join(", ")}.`, { invalid });
  }
  const changes: ProfileChanges = {};
  for (const [field, value] of Object.entries(simple)) {
    if (value !== undefined) (changes as Record<string, unknown>)[field] = field === "email" && value ? value.toLowerCase() : value;
  }
  if (address !== undefined) {
    Object.assign(changes, {
      addressLine1: address?.line1 ?? null,
      addressLine2: address?.line2 ?? null,
      postalCode: address?.postalCode ?? null,
      city: address?.city ?? null,
      country: address?.country ?? null,
    });
  }
  if (Object.keys(changes).length === 0) throw new GatewayError(ErrorCode.BAD_USER_INPUT, "Give at least one field to correct.");
  return changes;
}
