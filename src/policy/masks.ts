import { assertNever } from "./assertNever.js";
import type { Category } from "./categories.js";

/** Mask kinds; the names are those of the `mask:` argument of `@personal` in the SDL. */
export const MaskKind = {
  INITIALS: "INITIALS",
  EMAIL: "EMAIL",
  LAST_TWO: "LAST_TWO",
  LAST_FOUR: "LAST_FOUR",
  FIRST_CHAR_LENGTH: "FIRST_CHAR_LENGTH",
  REDACT: "REDACT",
  KEEP: "KEEP",
  IP_TRUNCATE: "IP_TRUNCATE",
  ROUND_COORDINATE: "ROUND_COORDINATE",
  WITHHOLD: "WITHHOLD",
} as const;

export type MaskKind = (typeof MaskKind)[keyof typeof MaskKind];

export const MASK_KINDS: readonly MaskKind[] = Object.values(MaskKind);

export function isMaskKind(s: unknown): s is MaskKind {
  return typeof s === "string" && (MASK_KINDS as readonly string[]).includes(s);
}

/**
 * The mask a category gets when its field names none. Address leaves that a mask leaves visible
 * (city, country; a card's brand and last four) override this at the field with KEEP/LAST_FOUR.
 */
export const DEFAULT_MASK: Readonly<Record<Category, MaskKind>> = {
  "user.name": "INITIALS",
  "user.contact.email": "EMAIL",
  "user.contact.phone_number": "LAST_TWO",
  "user.contact.address": "REDACT",
  "user.contact.address.billing": "REDACT",
  "user.contact.address.delivery": "REDACT",
  "user.account": "WITHHOLD",
  "user.account.username": "FIRST_CHAR_LENGTH",
  "user.authorization.credentials": "WITHHOLD",
  "user.unique_id.account_number": "LAST_FOUR",
  "user.financial.credit_card": "REDACT",
  "user.content.private": "WITHHOLD",
  "user.social": "WITHHOLD",
  "user.location.precise": "ROUND_COORDINATE",
  "user.location.imprecise": "ROUND_COORDINATE",
  "user.device.ip_address": "IP_TRUNCATE",
  "user.device": "KEEP",
  "user.demographic.language": "KEEP",
  "user.behavior.browsing_history": "WITHHOLD",
  "user.behavior.purchase_history": "WITHHOLD",
  "user.privacy_preferences": "KEEP",
};

/** What every string mask degrades to when it cannot apply: discloses nothing. */
export const REDACTED = "****";

export type MaskScalar = string | number | boolean | null;
export type MaskInput = MaskScalar | readonly (string | number)[];

// ---- one pure function per mask (strings in, strings out; never the raw value) ----

const LETTER = /\p{L}/u;
const ALNUM = /[\p{L}\p{N}]/gu;

/** `Ada Lovelace` -> `A. L.` (first letter of each word). */
export function maskInitials(value: string): string {
  const initials: string[] = [];
  for (const word of value.split(/\s+/u)) {
    const first = Array.from(word).find((ch) => LETTER.test(ch));
    if (first !== undefined) initials.push(`${first.toUpperCase()}.`);
  }
  return initials.length === 0 ? REDACTED : initials.join(" ");
}

/** `ada@example.com` -> `a***@example.com`; anything not shaped like an address -> `****`. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf("@");
  if (at <= 0) return REDACTED;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!/^[^\s@]+\.[^\s@]+$/u.test(domain) || /\s/u.test(local)) return REDACTED;
  const first = Array.from(local)[0] ?? "";
  return `${first}***@${domain}`;
}

/** Keep the last `n` letters/digits, only when at least four more are hidden. */
function maskLast(value: string, n: number): string {
  const ascii = maskLastAscii(value, n);
  if (ascii !== null) return ascii;
  const chars = value.match(ALNUM) ?? [];
  if (chars.length < n + 4) return REDACTED;
  return REDACTED + chars.slice(-n).join("");
}

/**
 * maskLast for an ASCII value, without the regular expression's array of every character (a
 * masked phone or account number per row of a page); null for a value with any other character.
 */
function maskLastAscii(value: string, n: number): string | null {
  let kept = "";
  let count = 0;
  for (let i = value.length - 1; i >= 0; i--) {
    const c = value.charCodeAt(i);
    if (c > 0x7f) return null;
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
      if (count < n) kept = value[i] + kept;
      count++;
    }
  }
  return count < n + 4 ? REDACTED : REDACTED + kept;
}

/** `+44 20 7946 0958` -> `****58`. */
export function maskLastTwo(value: string): string {
  return maskLast(value, 2);
}

/** `GB29 NWBK 6016 1331 9268 19` -> `****6819`. */
export function maskLastFour(value: string): string {
  return maskLast(value, 4);
}

/** `adalove` -> `a******` (first character and length). */
export function maskFirstCharLength(value: string): string {
  const chars = Array.from(value);
  if (chars.length < 2) return REDACTED;
  return chars[0] + "*".repeat(chars.length - 1);
}

/** Always `****`. */
export function redact(_value: string): string {
  return REDACTED;
}

/**
 * The four octets of a dotted quad (each at most 255, no leading zero, nothing around them), or
 * null. One pass over the characters, no regular expression: it runs for every address a page masks.
 */
function parseIpv4(s: string): number[] | null {
  const octets: number[] = [];
  let digits = 0;
  let octet = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && octet === 0) return null; // a leading zero
      octet = octet * 10 + (c - 0x30);
      if (++digits > 3 || octet > 255) return null;
    } else if (c === 0x2e && digits > 0 && octets.length < 3) {
      octets.push(octet);
      digits = 0;
      octet = 0;
    } else {
      return null;
    }
  }
  if (octets.length !== 3 || digits === 0) return null;
  octets.push(octet);
  return octets;
}

/** A hexadecimal digit's value, or -1. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * Parses IPv6 text into `out`'s eight 16-bit groups; false when malformed. Accepts `::`
 * compression and a dotted IPv4 tail. One pass over the characters into a buffer the caller
 * owns: it runs for every address a page masks, and splitting and regular expressions made it
 * the largest allocation of the masks (bench/RESULTS-policy.md).
 */
function parseIpv6(s: string, out: Uint16Array): boolean {
  const len = s.length;
  let n = 0; // groups written
  let gap = -1; // groups before the `::`, once met
  let i = 0;
  if (s.charCodeAt(0) === 0x3a) {
    if (s.charCodeAt(1) !== 0x3a) return false;
    gap = 0;
    i = 2;
  }
  while (i < len) {
    const start = i;
    let group = 0;
    for (let h = hexDigit(s.charCodeAt(i)); h >= 0 && i - start < 5; h = hexDigit(s.charCodeAt(++i))) group = group * 16 + h;
    if (s.charCodeAt(i) === 0x2e) {
      // A dotted IPv4 tail stands for the last two groups, and ends the text.
      const v4 = n <= 6 ? parseIpv4(s.slice(start)) : null;
      if (v4 === null) return false;
      out[n++] = (v4[0]! << 8) | v4[1]!;
      out[n++] = (v4[2]! << 8) | v4[3]!;
      break;
    }
    if (i === start || i - start > 4 || n === 8) return false;
    out[n++] = group;
    if (i === len) break;
    if (s.charCodeAt(i) !== 0x3a || ++i === len) return false; // a separator, not a trailing one
    if (s.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    }
  }
  if (gap < 0) return n === 8;
  if (n > 7) return false;
  // Move the groups after the gap to the end, zeros between.
  const after = n - gap;
  out.copyWithin(8 - after, gap, n);
  out.fill(0, gap, 8 - after);
  return true;
}

/** truncateIp's parse buffer: truncateIp is synchronous, so one serves every call. */
const IPV6_GROUPS = new Uint16Array(8);

/** `g[0]:...:g[k-1]::` without its trailing zero groups: the RFC 5952 form of a prefix of at most four groups. */
function prefixText(g: Uint16Array, k: number): string {
  while (k > 0 && g[k - 1] === 0) k--;
  let text = "";
  for (let i = 0; i < k; i++) text += `${g[i]!.toString(16)}:`;
  return k === 0 ? "::" : `${text}:`;
}

/** The /24 of the IPv4 address in groups 6 and 7, dotted, after `prefix`. */
const dotted24 = (prefix: string, g: Uint16Array): string => `${prefix}${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.0`;

/**
 * IPv4 -> its /24 (`203.0.113.0`), IPv6 -> its /48 (`2001:db8:85a3::`); malformed -> `****`.
 * An IPv6 address that carries an IPv4 address keeps no more than that address's /24:
 * - IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d` and NAT64's well-known prefix
 *   `64:ff9b::a.b.c.d` (RFC 6052) -> the same prefix and the /24, dotted (`::ffff:203.0.113.0`);
 * - 6to4 `2002:AABB:CCDD::/48` holds the whole IPv4 address in its /48 -> the /40 that holds its
 *   /24 (`2002:cb00:7100::`);
 * - Teredo `2001:0:SSSS:SSSS:...:CCCC:CCCC` (RFC 4380) -> the prefix and the server's /24
 *   (`2001:0:cb00:7100::`); the client's address, in the last 32 bits, is dropped.
 * Other prefixes that embed IPv4 (NAT64's local-use `64:ff9b:1::/48`, network-specific prefixes
 * of /32 or more) keep at most 16 of its bits in the /48. The output is its own truncation, which
 * the retention purge relies on (a second run changes nothing).
 */
export function truncateIp(value: string): string {
  let v4 = parseIpv4(value); // a plain dotted quad, the common case, needs no trimming
  let s = value;
  if (v4 === null) {
    s = value.trim();
    const zone = s.indexOf("%");
    if (zone >= 0) s = s.slice(0, zone);
    v4 = parseIpv4(s);
  }
  if (v4 !== null) return `${v4[0]}.${v4[1]}.${v4[2]}.0`;
  const g = IPV6_GROUPS;
  if (!parseIpv6(s, g)) return REDACTED;
  if (g[2] === 0 && g[3] === 0 && g[4] === 0) {
    if (g[0] === 0 && g[1] === 0) {
      if (g[5] === 0xffff) return dotted24("::ffff:", g);
      if (g[5] === 0 && g[6] !== 0) return dotted24("::", g); // ::1 and :: are not IPv4-compatible
    } else if (g[0] === 0x64 && g[1] === 0xff9b && g[5] === 0) return dotted24("64:ff9b::", g);
  }
  if (g[0] === 0x2002) {
    g[2]! &= 0xff00;
    return prefixText(g, 3);
  }
  if (g[0] === 0x2001 && g[1] === 0) {
    g[3]! &= 0xff00;
    return prefixText(g, 4);
  }
  return prefixText(g, 3);
}

function round1(n: number): number {
  const r = Math.round(n * 10) / 10;
  return r === 0 ? 0 : r; // no -0
}

/** Latitude or longitude rounded to one decimal (~10 km). Null when not a coordinate. */
export function roundCoordinate(value: number): number | null {
  if (!Number.isFinite(value) || Math.abs(value) > 180) return null;
  return round1(value);
}

/** `48.8566` -> `48.9`, `48.8566,2.3522` -> `48.9,2.4`; anything else -> `****`. */
export function roundCoordinateText(value: string): string {
  const parts = value.split(",");
  if (parts.length > 2) return REDACTED;
  const out: string[] = [];
  for (const part of parts) {
    const t = part.trim();
    if (!/^[+-]?\d{1,3}(\.\d+)?$/.test(t)) return REDACTED;
    const rounded = roundCoordinate(Number(t));
    if (rounded === null) return REDACTED;
    out.push(rounded.toFixed(1));
  }
  return out.join(",");
}

// ---- dispatch ----

function maskString(kind: Exclude<MaskKind, "KEEP" | "WITHHOLD">, value: string): string {
  switch (kind) {
    case "INITIALS":
      return maskInitials(value);
    case "EMAIL":
      return maskEmail(value);
    case "LAST_TWO":
      return maskLastTwo(value);
    case "LAST_FOUR":
      return maskLastFour(value);
    case "FIRST_CHAR_LENGTH":
      return maskFirstCharLength(value);
    case "REDACT":
      return redact(value);
    case "IP_TRUNCATE":
      return truncateIp(value);
    case "ROUND_COORDINATE":
      return roundCoordinateText(value);
    default:
      return assertNever(kind, "mask kind");
  }
}

function maskScalar(kind: MaskKind, value: MaskScalar): MaskScalar {
  if (value === null) return null;
  if (kind === "KEEP") return value;
  if (kind === "WITHHOLD") return null;
  if (typeof value === "string") {
    const out = maskString(kind, value);
    // A mask never echoes its input: a value already in masked form is redacted.
    return out === value ? REDACTED : out;
  }
  if (typeof value === "number") {
    // Masks keep the value's type; only rounding has a numeric result.
    if (kind !== "ROUND_COORDINATE") return null;
    const out = roundCoordinate(value);
    return out === null || Object.is(out, value) ? null : out;
  }
  return null; // booleans (and anything else) have no masked form
}

export function applyMask(kind: MaskKind, value: string): string | null;
export function applyMask(kind: MaskKind, value: number): number | null;
export function applyMask(kind: MaskKind, value: boolean): boolean | null;
export function applyMask(kind: MaskKind, value: null): null;
export function applyMask(kind: MaskKind, value: readonly (string | number)[]): readonly (string | number)[] | null;
export function applyMask(kind: MaskKind, value: MaskInput): MaskInput;
/**
 * Apply a mask, keeping the value's shape (arrays element-wise). Null means withheld: the mask
 * discloses nothing for this value, or cannot apply to its type. Only KEEP returns the raw value.
 * Never throws.
 */
export function applyMask(kind: MaskKind, value: MaskInput): MaskInput {
  try {
    if (Array.isArray(value)) {
      if (kind === "KEEP") return value;
      const out: (string | number)[] = [];
      for (const element of value as readonly unknown[]) {
        if (typeof element !== "string" && typeof element !== "number") return null;
        const masked = maskScalar(kind, element);
        if (typeof masked !== "string" && typeof masked !== "number") return null;
        out.push(masked);
      }
      return out;
    }
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      return maskScalar(kind, value);
    }
    return null;
  } catch {
    return null;
  }
}
