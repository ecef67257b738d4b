/**
 * Canary mode (`seed(db, { canaries: true })`): every personal value the seed writes can be
 * traced back to exactly one cell, so a leak test can scan any output (GraphQL responses, logs,
 * error messages, exports) and tell which column of which row escaped.
 *
 * A canary token is `cnry` followed by a base-36 counter of at least four characters
 * (`cnry00a1`), never followed by another letter or digit; up to 1,679,615 tokens it is eight
 * characters long, which keeps it a valid BCP 47 private-use subtag. Each token is issued once:
 * it appears in one value of one cell in the whole database (each element of
 * `profiles.social_likes` is a value of its own).
 *
 * Which columns carry what is `CANARY_COLUMNS` below, by SQL table and column name:
 *
 * - `token`: every non-null value contains exactly one token (so every value is unique). Where:
 *     profiles: full_name ("Ana cnry00a1 Silva"), display_name ("Ana S. cnry00a2"), email (in the
 *       local part: "ana.silva.cnry00a3@example.com"), address_line1, address_line2, postal_code,
 *       city (" cnry..." appended), username ("ana.silva.cnry00a4"), language (a BCP 47
 *       private-use subtag, so the tag stays valid: "pt-PT-x-cnry00a5"), social_handle
 *       ("@ana_silva_cnry00a6"), social_picture_url (".../avatars/cnry00a7-<hex>.jpg"),
 *       social_likes (each element: "Jazz cnry00a8")
 *     credentials: password_hash (as the salt: "$scrypt$ln=17,r=8,p=1$cnry00a9$<digest>")
 *     accounts: account_number ("SHOP-DE-cnry00aa-4821": the last four stay digits)
 *     payment_methods: card_token ("tok_cnry00ab_<random>"), billing_line1,
 *       billing_postal_code, billing_city, delivery_line1, delivery_postal_code, delivery_city
 *     purchases: product
 *     submitted_messages: subject, body
 *     visits: user_agent, operating_system, language (private-use subtag), referrer and page
 *       (a `cid=cnry...` query parameter)
 * - `unique`: values that cannot hold text keep their format and are unique in their column
 *   instead (IP addresses across all of `visits`):
 *     profiles: phone (fiction ranges), location_latitude, location_longitude
 *     payment_methods: last_four (unique while there are at most 10,000 cards)
 *     visits: ip_address (IPv4 documentation ranges until exhausted, then 2001:db8::/32)
 * - `vocabulary`: closed vocabularies that other code may parse or map to GraphQL enums; they
 *   keep their real values and carry no token:
 *     profiles: country; payment_methods: brand, expiry (YYYY-MM), billing_country,
 *     delivery_country; visits: device (desktop/mobile/tablet); preferences: preferred_channel
 *
 * Not personal, never canaries: keys, timestamps, statuses, customers.residency (a region code
 * the policy reads), purchases (amount, currency, invoice_ref, tax_rate), consent events,
 * subject requests, partners and their grants and keys.
 */

export const CANARY_PREFIX = "cnry";

/** Matches any canary token. Global: use with `matchAll`/`match`, or `findCanaries()`. */
export const CANARY_PATTERN = /cnry[0-9a-z]{4,}/g;

export type CanaryKind = "token" | "unique" | "vocabulary";

export const CANARY_COLUMNS = {
  profiles: {
    full_name: "token",
    display_name: "token",
    email: "token",
    phone: "unique",
    address_line1: "token",
    address_line2: "token",
    postal_code: "token",
    city: "token",
    country: "vocabulary",
    username: "token",
    language: "token",
    social_handle: "token",
    social_picture_url: "token",
    social_likes: "token",
    location_latitude: "unique",
    location_longitude: "unique",
  },
  credentials: { password_hash: "token" },
  accounts: { account_number: "token" },
  payment_methods: {
    card_token: "token",
    brand: "vocabulary",
    last_four: "unique",
    expiry: "vocabulary",
    billing_line1: "token",
    billing_postal_code: "token",
    billing_city: "token",
    billing_country: "vocabulary",
    delivery_line1: "token",
    delivery_postal_code: "token",
    delivery_city: "token",
    delivery_country: "vocabulary",
  },
  purchases: { product: "token" },
  submitted_messages: { subject: "token", body: "token" },
  visits: {
    ip_address: "unique",
    user_agent: "token",
    device: "vocabulary",
    operating_system: "token",
    language: "token",
    referrer: "token",
    page: "token",
  },
  preferences: { preferred_channel: "vocabulary" },
} as const satisfies Record<string, Record<string, CanaryKind>>;

/** Every canary token in `text`, in order of appearance. */
export function findCanaries(text: string): string[] {
  return Array.from(text.matchAll(CANARY_PATTERN), (m) => m[0]);
}

export function hasCanary(text: string): boolean {
  return new RegExp(CANARY_PATTERN.source).test(text);
}

/** Issues canary tokens in order: `cnry0001`, `cnry0002`, ... */
export class CanaryCounter {
  #next = 1;
  get issued(): number {
    return this.#next - 1;
  }
  next(): string {
    return CANARY_PREFIX + (this.#next++).toString(36).padStart(4, "0");
  }
}
