/**
 * Partner API keys: `pk_<keyId>_<secret>`.
 *
 * - `keyId`: 12 lowercase alphanumerics, the primary key of `partner_keys` (not secret: it may
 *   appear in logs and in the disclosure log as the caller id).
 * - `secret`: 32 base64url characters (24 random bytes). Only `sha256(secret)` in hex is stored
 *   (`partner_keys.secret_hash`); the full key is shown once, when it is created.
 *
 * A plain SHA-256 is enough here (no salt, no slow hash): the secret has 192 bits of entropy,
 * so there is nothing to brute-force, and a fast lookup keeps per-request authentication cheap.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Where the randomness comes from: `cryptoRandom` in production, a seeded `Rng` in the seed. */
export interface RandomSource {
  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number;
}

export const cryptoRandom: RandomSource = { uint32: () => randomBytes(4).readUInt32BE(0) };

export const API_KEY_PREFIX = "pk_";
export const API_KEY_ID_LENGTH = 12;
export const API_KEY_SECRET_LENGTH = 32;
const KEY_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const SECRET_BYTES = 24; // 24 bytes -> exactly 32 base64url characters, no padding
const API_KEY_RE = /^pk_([a-z0-9]{12})_([A-Za-z0-9_-]{32})$/;

export interface ApiKey {
  keyId: string;
  secret: string;
  /** The full key as handed to the partner: `pk_<keyId>_<secret>`. */
  key: string;
}

/** An unbiased index in [0, n) by rejection sampling. */
function uniformIndex(rand: RandomSource, n: number): number {
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
  for (;;) {
    const x = rand.uint32();
    if (x < limit) return x % n;
  }
}

export function generateApiKey(rand: RandomSource = cryptoRandom): ApiKey {
  let keyId = "";
  for (let i = 0; i < API_KEY_ID_LENGTH; i++) keyId += KEY_ID_ALPHABET[uniformIndex(rand, KEY_ID_ALPHABET.length)];
  const bytes = Buffer.alloc(SECRET_BYTES);
  for (let i = 0; i < SECRET_BYTES; i += 4) bytes.writeUInt32BE(rand.uint32() >>> 0, i);
  const secret = bytes.toString("base64url");
  return { keyId, secret, key: formatApiKey(keyId, secret) };
}

export function formatApiKey(keyId: string, secret: string): string {
  return `${API_KEY_PREFIX}${keyId}_${secret}`;
}

/** Splits a presented key; null when it is not exactly of the `pk_<keyId>_<secret>` shape. */
export function parseApiKey(raw: string): { keyId: string; secret: string } | null {
  const m = API_KEY_RE.exec(raw);
  if (!m) return null;
  return { keyId: m[1] as string, secret: m[2] as string };
}

/** What `partner_keys.secret_hash` holds: SHA-256 of the secret, lowercase hex. */
export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function verifyApiKeySecret(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashApiKeySecret(secret), "hex");
  const expected = Buffer.from(storedHash, "hex");
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
