import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { PreferencesInput } from "./PreferencesInput.js";
import type { PreferencesChanges } from "./preferencesQueries.js";

const OPT_INS = ["emailNewsletter", "smsOffers", "postalMail"] as const;

/**
 * Turns the input into column changes: only the fields given. An opt-in set to null (the column
 * holds true or false) fails as a whole with BAD_USER_INPUT naming the fields, never their values;
 * the channel is checked by its enum, null clears it. An empty input changes nothing: refused.
 */
export function validatePreferencesInput(input: PreferencesInput): PreferencesChanges {
  const invalid = OPT_INS.filter((field) => input[field] === null).map((field) => ({ field, expected: "true or false" }));
  if (invalid.length > 0) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `Invalid preferences input: ${invalid.map((i) => i.field).join(", ")}.`, { invalid });
  }
  const changes: PreferencesChanges = {};
  for (const field of OPT_INS) if (typeof input[field] === "boolean") changes[field] = input[field];
  if (input.preferredChannel !== undefined) changes.preferredChannel = input.preferredChannel;
  if (Object.keys(changes).length === 0) throw new GatewayError(ErrorCode.BAD_USER_INPUT, "Give at least one preference to change.");
  return changes;
}
