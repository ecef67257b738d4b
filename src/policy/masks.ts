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

/** Eight 16-bit groups, or null. Accepts `::` compression and a dotted IPv4 tail. */
function parseIpv6(s: string): number[] | null {
  if (!s.includes(":")) return null;
  let text = s;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    // A dotted IPv4 tail stands for the last two groups: parse it, then stand in `0:0`.
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === "") return [];
    const groups: number[] = [];
    for (const g of part.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = parse(halves[0] ?? "");
  const rest = halves.length === 2 ? parse(halves[1] ?? "") : [];
  if (head === null || rest === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  if (tail.length === 2) groups.splice(6, 2, ...tail);
  return groups;
}

/** IPv4 -> its /24 (`203.0.113.0`), IPv6 -> its /48 (`2001:db8:85a3::`); malformed -> `****`. */
export function truncateIp(value: string): string {
  let v4 = parseIpv4(value); // a plain dotted quad, the common case, needs no trimming
  const s = v4 === null ? value.trim().replace(/%.*$/u, "") : value;
  v4 ??= parseIpv4(s);
  if (v4 !== null) return `${v4[0]}.${v4[1]}.${v4[2]}.0`;
  const v6 = parseIpv6(s);
  if (v6 === null) return REDACTED;
  const isMappedV4 = v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff;
  if (isMappedV4) {
    const hi = v6[6] ?? 0;
    const lo = v6[7] ?? 0;
    return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.0`;
  }
  const prefix = v6.slice(0, 3);
  let last = prefix.length - 1;
  while (last >= 0 && prefix[last] === 0) last--;
  if (last < 0) return "::";
  return `${prefix.slice(0, last + 1).map((g) => g.toString(16)).join(":")}::`;
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
