import { createHmac } from "node:crypto";

/** Prefix that marks a pseudonym, so it is never mistaken for a stored value. */
export const PSEUDONYM_PREFIX = "ps_";

/**
 * A keyed, stable pseudonym: HMAC-SHA256 over (scope, category, value), truncated to 128 bits,
 * `ps_` + 22 base64url characters. `scope` names the recipients who share pseudonyms
 * (identifierScope.ts, pseudonymScope: a purpose, or a partner's own scope). The same value
 * under the same key, scope and category always yields the same pseudonym (so analytics can
 * join), another scope a different one (so two purposes, or two partners, cannot join each
 * other's data). Strings and finite numbers only (a number as its decimal string); anything else
 * returns null (withheld). Throws only for an empty key, which is a configuration error, never
 * for odd values.
 */
export function pseudonymize(key: string | Uint8Array, scope: string, category: string, value: unknown): string | null {
  if (key.length === 0) throw new RangeError("pseudonymize: the key must not be empty");
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" && Number.isFinite(value)) text = String(value);
  else return null;
  // Length-prefixed fields: no two (scope, category, value) triples share an input.
  const message = [scope, category, text].map((f) => `${f.length}:${f}`).join("|");
  const digest = createHmac("sha256", key).update(message, "utf8").digest();
  return PSEUDONYM_PREFIX + digest.subarray(0, 16).toString("base64url");
}
