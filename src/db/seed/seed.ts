/**
 * Deterministic demo and test data: `seed(db, options)`.
 *
 * Same options, same rows, ids included, on PGlite or PostgreSQL: every value (UUIDs, timestamps,
 * API keys) comes from a seeded PRNG (`random.ts`) and a fixed clock (`SEED_AS_OF`), never from
 * `Math.random`, `now()` or `gen_random_uuid()`. Each customer draws from its own stream
 * (`customer/<i>`), its visits from another (`visits/<i>`), so changing `visitsPerCustomer`
 * changes the visits and nothing else (outside canary mode, whose token counter is global).
 *
 * Rows are written in multi-row INSERTs of at most `BATCH_SIZE` rows, customers in chunks of
 * `CUSTOMER_CHUNK`, visits streamed from a generator: memory stays bounded whatever the counts.
 * Everything runs in one transaction.
 *
 * The states, in fixed proportions of the customers (rounded; at least one each from 20
 * customers up, none below):
 * - 2 % erased: `customers.status = 'erased'`, `erased_at` set, a completed `erasure` request; the
 *   tombstone keeps a profile row with every personal column null, accounts without number, and
 *   what the retention schedule holds by law (src/dsr/erasurePlan.ts): purchases, preferences and
 *   consent events (recorded before the erasure); no credentials, payment methods, messages,
 *   visits or links;
 * - 3 % restricted: status `restricted`, a completed `restriction` request;
 * - 4 % objected: a completed `objection` request with `detail.purposes = ['marketing','research']`
 *   and, at its closing, withdrawn consent events for both purposes (source `support`);
 * - 1 % with an `access` request `received`, 1 % with one `verified`, 4 % with a closed one in the
 *   past (completed or rejected access, portability, rectification);
 * - independently, among the non-erased: 10 % opted out of `marketing` (not counting objectors),
 *   10 % of `advertising` (a third of them through `gpc`), 8 % of `analytics`, 5 % of
 *   `personalization`: the latest event of that purpose has `granted = false`.
 * Some customers opt in to `third_party_sharing` with the third party and the affiliate (events
 * with `partner_id`), some of whom later withdraw; some are linked to the service provider or the
 * affiliate (`partner_links`).
 */
import { count, getTableName, isTable, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { generateApiKey, hashApiKeySecret } from "../apiKeys.js";
import type { Database } from "../client.js";
import { insertRows } from "../insertRows.js";
import * as schema from "../schema/index.js";
import { CanaryCounter } from "./canary.js";
import * as D from "./data.js";
import { Rng } from "./random.js";
import { uniqueName } from "./uniqueName.js";

// ---- options and summary ---------------------------------------------------------------------

export interface SeedOptions {
  /** Number of customers (default 300). */
  customers?: number;
  /** PRNG seed (default 42): same seed and options, same data. */
  seed?: number;
  /** Canary mode: see `canary.ts` for which column carries what. */
  canaries?: boolean;
  /** Exactly this many visits per non-erased customer (default: 5 to 25, about 15). */
  visitsPerCustomer?: number;
}

export const SEED_DEFAULTS = { customers: 300, seed: 42, canaries: false } as const;

/** The seed's "now": every timestamp lies before it. */
export const SEED_AS_OF = new Date("2026-11-01T00:00:00Z");

/** Most rows in one INSERT statement. */
export const BATCH_SIZE = 1000;
/** Customers generated before their rows are written. */
export const CUSTOMER_CHUNK = 500;

/** Privacy policy versions; a consent event records the one in force at the time. */
export const POLICY_VERSIONS = [
  { version: "2022-01", effective: new Date("2022-01-10T00:00:00Z") },
  { version: "2024-05", effective: new Date("2024-05-15T00:00:00Z") },
  { version: "2026-02", effective: new Date("2026-02-01T00:00:00Z") },
] as const;

/** Purposes people can opt out of (consent events at signup, opt-outs later). */
export const OPT_OUT_PURPOSES = ["marketing", "advertising", "personalization", "analytics"] as const;

/** The tables of a customer's own rows, visits apart: written after each chunk's customers (visits go in batches of their own). */
const CUSTOMER_DEPENDENTS = [
  schema.profiles,
  schema.credentials,
  schema.accounts,
  schema.paymentMethods,
  schema.purchases,
  schema.preferences,
  schema.consentEvents,
  schema.subjectRequests,
  schema.submittedMessages,
  schema.partnerLinks,
] as const;

/** Every table, in foreign-key order (parents first). */
export const SEED_TABLES = [
  schema.partners,
  schema.partnerGrants,
  schema.partnerKeys,
  schema.customers,
  ...CUSTOMER_DEPENDENTS,
  schema.visits,
  schema.disclosureFieldSets,
  schema.disclosureEvents,
] as const;

export type SeedTableName = ReturnType<typeof getTableName<(typeof SEED_TABLES)[number]>>;

export interface DemoApiKey {
  partnerId: string;
  partnerName: string;
  kind: "affiliate" | "service_provider" | "third_party";
  region: string;
  keyId: string;
  /** The full key for the `x-api-key` header. Only its secret's SHA-256 is stored. */
  apiKey: string;
}

export interface SeedSummary {
  seed: number;
  customers: number;
  canaries: boolean;
  /** Rows written per table (SQL table names). */
  rows: Record<SeedTableName, number>;
  apiKeys: DemoApiKey[];
  /** INSERT statements issued. */
  statements: number;
}

// ---- demo partners ---------------------------------------------------------------------------

type PartnerRole = "affiliate" | "serviceProvider" | "thirdParty";

/** The three demo partners and their one grant each (valid 2026-01-01 to 2027-12-31). */
export const DEMO_PARTNERS = [
  {
    role: "affiliate",
    name: "Northwind Rewards",
    kind: "affiliate",
    region: "EU",
    contractRef: "AFF-2025-017",
    grant: {
      purposes: ["marketing"],
      categories: ["user.name", "user.contact.email"],
      subjectScope: "consented",
      regions: ["EU"],
      transferBasis: null,
      requestsPerMinute: 300,
    },
  },
  {
    role: "serviceProvider",
    name: "Contoso Support Services",
    kind: "service_provider",
    region: "US",
    contractRef: "DPA-2025-042",
    grant: {
      purposes: ["customer_support"],
      categories: ["user.name", "user.contact"],
      subjectScope: "linked",
      regions: ["US"],
      transferBasis: "SCC-2021",
      requestsPerMinute: 600,
    },
  },
  {
    role: "thirdParty",
    name: "Fabrikam Ad Network",
    kind: "third_party",
    region: "US",
    contractRef: "DSA-2026-003",
    grant: {
      purposes: ["advertising"],
      categories: ["user.device", "user.behavior.browsing_history"],
      subjectScope: "consented",
      regions: ["US"],
      transferBasis: null,
      requestsPerMinute: 120,
    },
  },
] as const satisfies ReadonlyArray<{
  role: PartnerRole;
  name: string;
  kind: DemoApiKey["kind"];
  region: string;
  contractRef: string;
  grant: {
    purposes: readonly string[];
    categories: readonly string[];
    subjectScope: "all" | "consented" | "linked";
    regions: readonly string[];
    transferBasis: string | null;
    requestsPerMinute: number;
  };
}>;

const GRANT_VALID_FROM = new Date("2026-01-01T00:00:00Z");
const GRANT_VALID_UNTIL = new Date("2027-12-31T23:59:59Z");
const PARTNERS_CREATED = new Date("2025-11-15T09:00:00Z");

// ---- time ------------------------------------------------------------------------------------

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AS_OF = SEED_AS_OF.getTime();
const CREATED_FROM = Date.parse("2022-03-01T00:00:00Z");
const CREATED_TO = AS_OF - 60 * DAY;
/** Visits cover the last 15 months, so a 13-month clickstream retention has work to do. */
const VISITS_FROM = AS_OF - 456 * DAY;

const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

function policyAt(date: Date): string {
  let version: string = POLICY_VERSIONS[0].version;
  for (const v of POLICY_VERSIONS) if (v.effective.getTime() <= date.getTime()) version = v.version;
  return version;
}

// ---- the state plan --------------------------------------------------------------------------

type Status = "active" | "restricted" | "erased";

interface Plan {
  index: number;
  status: Status;
  objector: boolean;
  access: "received" | "verified" | null;
  pastRequest: boolean;
  optOut: Record<(typeof OPT_OUT_PURPOSES)[number], boolean>;
  gpc: boolean;
}

function planStates(n: number, root: Rng): Plan[] {
  const share = (p: number) => (n >= 20 ? Math.max(1, Math.round(p * n)) : Math.round(p * n));
  const plans: Plan[] = Array.from({ length: n }, (_, index) => ({
    index,
    status: "active",
    objector: false,
    access: null,
    pastRequest: false,
    gpc: false,
    optOut: { marketing: false, advertising: false, personalization: false, analytics: false },
  }));
  const all = plans.map((p) => p.index);
  const order = root.fork("states").shuffle(all);
  let pos = 0;
  const take = (k: number) => order.slice(pos, (pos += k)).map((i) => plans[i] as Plan);

  for (const p of take(share(0.02))) p.status = "erased";
  for (const p of take(share(0.03))) p.status = "restricted";
  for (const p of take(share(0.04))) p.objector = true;
  for (const p of take(share(0.01))) p.access = "received";
  for (const p of take(share(0.01))) p.access = "verified";
  for (const p of take(share(0.04))) p.pastRequest = true;

  const living = plans.filter((p) => p.status !== "erased");
  const pickOut = (purpose: keyof Plan["optOut"], p: number, from: Plan[]) => {
    const chosen = root.fork("opt-out", purpose).sample(from, share(p));
    for (const c of chosen) c.optOut[purpose] = true;
    return chosen;
  };
  pickOut(
    "marketing",
    0.1,
    living.filter((p) => !p.objector),
  );
  const ads = pickOut("advertising", 0.1, living);
  for (const c of ads.slice(0, Math.ceil(ads.length / 3))) c.gpc = true;
  pickOut("analytics", 0.08, living);
  pickOut("personalization", 0.05, living);
  return plans;
}

// ---- generation context ----------------------------------------------------------------------

interface Ctx {
  root: Rng;
  canaries: boolean;
  tokens: CanaryCounter;
  visitsPerCustomer: number | undefined;
  partners: Record<PartnerRole, string>;
  used: {
    emails: Set<string>;
    usernames: Set<string>;
    phones: Set<string>;
    lastFour: Set<string>;
    lat: Set<number>;
    lng: Set<number>;
  };
  ipv4Pool: string[];
  ipv4Next: number;
  ipv6Next: number;
  nanpNext: number;
  invoiceNext: number;
}

const tok = (ctx: Ctx) => ctx.tokens.next();
/** `value` with a canary token appended (canary mode), or as is. */
const mark = (ctx: Ctx, value: string) => (ctx.canaries ? `${value} ${tok(ctx)}` : value);
const markOrNull = (ctx: Ctx, value: string | null) => (value === null ? null : mark(ctx, value));
/** A URL with a canary query parameter (canary mode). */
const markUrl = (ctx: Ctx, url: string) => (ctx.canaries ? `${url}${url.includes("?") ? "&" : "?"}cid=${tok(ctx)}` : url);
/** A BCP 47 tag with the token as a private-use subtag: still a valid tag. */
const markLang = (ctx: Ctx, tag: string) => (ctx.canaries ? `${tag}-x-${tok(ctx)}` : tag);

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** Random text that cannot be mistaken for a canary token. */
function randomText(r: Rng, alphabet: string, length: number): string {
  for (;;) {
    const s = r.string(alphabet, length);
    if (!s.toLowerCase().includes("cnry")) return s;
  }
}
/** Unpadded standard base64 of `n` random bytes, as passlib writes scrypt salts and digests. */
function randomBase64(r: Rng, n: number): string {
  for (;;) {
    const s = Buffer.from(r.bytes(n)).toString("base64").replace(/=+$/, "");
    if (!s.toLowerCase().includes("cnry")) return s;
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const ascii = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ł/g, "l")
    .replace(/ı/g, "i")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

function phoneNumber(ctx: Ctx, r: Rng, city: D.City): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const range = r.pick(city.phones);
    const number = range.prefix + pad(r.int(0, 10 ** range.digits - 1), range.digits);
    if (!ctx.used.phones.has(number)) {
      ctx.used.phones.add(number);
      return number;
    }
  }
  // The city's ranges are crowded: walk the fallback numbers, each once.
  for (;;) {
    const number = D.fallbackPhoneNumber(ctx.nanpNext++);
    if (number !== null && !ctx.used.phones.has(number)) {
      ctx.used.phones.add(number);
      return number;
    }
  }
}

function coordinate(ctx: Ctx, r: Rng, centre: number, set: Set<number>): number {
  for (;;) {
    const value = Math.round((centre + r.between(-0.045, 0.045)) * 1e6) / 1e6;
    if (!ctx.canaries || !set.has(value)) {
      set.add(value);
      return value;
    }
  }
}

const IPV4_PREFIXES = ["192.0.2.", "198.51.100.", "203.0.113."] as const;

function formatIpv6(groups: number[]): string {
  // RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::".
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

function randomIp(r: Rng): string {
  if (r.chance(0.75)) return `${r.pick(IPV4_PREFIXES)}${r.int(1, 254)}`;
  return formatIpv6([0x2001, 0xdb8, ...Array.from({ length: 6 }, () => r.int(0, 0xffff))]);
}

/** Canary mode: every documentation IPv4 address once, then IPv6 with a counter in it. */
function uniqueIp(ctx: Ctx, r: Rng): string {
  if (ctx.ipv4Next < ctx.ipv4Pool.length && r.chance(0.75)) return ctx.ipv4Pool[ctx.ipv4Next++] as string;
  const k = ctx.ipv6Next++;
  return formatIpv6([
    0x2001,
    0xdb8,
    (k >>> 16) & 0xffff,
    k & 0xffff,
    r.int(1, 0xffff),
    r.int(0, 0xffff),
    r.int(0, 0xffff),
    r.int(1, 0xffff),
  ]);
}

interface Address {
  line1: string;
  line2: string | null;
  postcode: string;
  city: string;
  country: string;
}

function address(r: Rng, country: D.Country, city: D.City, line2Chance: number): Address {
  return {
    line1: D.streetLine(city.lang, country.code, r),
    line2: r.chance(line2Chance) ? r.pick(D.LINE2[city.lang]) : null,
    postcode: city.postcode(r),
    city: city.name,
    country: country.code,
  };
}

// ---- batched writer --------------------------------------------------------------------------

class Writer {
  readonly rows = {} as Record<SeedTableName, number>;
  statements = 0;
  readonly #buffers = new Map<PgTable, unknown[]>();

  constructor(private readonly db: Database) {
    for (const t of SEED_TABLES) this.rows[getTableName(t)] = 0;
  }

  push<T extends PgTable>(table: T, row: T["$inferInsert"]): void {
    let buffer = this.#buffers.get(table);
    if (!buffer) this.#buffers.set(table, (buffer = []));
    buffer.push(row);
  }

  /** Writes full batches only (`all`: the remainder too). */
  async flush(table: PgTable, all: boolean): Promise<void> {
    const buffer = this.#buffers.get(table);
    if (!buffer) return;
    while (buffer.length >= BATCH_SIZE || (all && buffer.length > 0)) {
      const batch = buffer.splice(0, BATCH_SIZE) as Array<Record<string, unknown>>;
      await this.#insert(table, batch);
      this.statements++;
      this.rows[getTableName(table) as SeedTableName] += batch.length;
    }
  }

  /** One multi-row INSERT (insertRows: one array literal per column, whatever the rows). */
  async #insert(table: PgTable, rows: Array<Record<string, unknown>>): Promise<void> {
    await insertRows(this.db, table, rows as never);
  }

  size(table: PgTable): number {
    return this.#buffers.get(table)?.length ?? 0;
  }
}

// ---- one customer ----------------------------------------------------------------------------

interface CustomerInfo {
  index: number;
  id: string;
  createdAt: Date;
  locale: string;
  erased: boolean;
}

const COUNTRIES_BY_RESIDENCY = new Map<D.Residency, Array<readonly [D.Country, number]>>();
for (const c of D.COUNTRIES) {
  const list = COUNTRIES_BY_RESIDENCY.get(c.residency) ?? [];
  list.push([c, c.weight]);
  COUNTRIES_BY_RESIDENCY.set(c.residency, list);
}

const CHOICE_SOURCES: ReadonlyArray<readonly [string, number]> = [
  ["web", 5],
  ["app", 3],
  ["support", 2],
];

function buildCustomer(ctx: Ctx, plan: Plan, w: Writer): CustomerInfo {
  const r = ctx.root.fork("customer", plan.index);
  const id = r.uuid();
  const residency = r.weighted(D.RESIDENCY_WEIGHTS);
  const country = r.weighted(COUNTRIES_BY_RESIDENCY.get(residency) as Array<readonly [D.Country, number]>);
  const city = r.pick(country.cities);
  const nameLang = r.chance(0.12) ? r.pick(D.LANGS) : city.lang;
  const first = r.pick(D.NAMES[nameLang].first);
  const last = r.pick(D.NAMES[nameLang].last);
  const createdAt = r.dateBetween(CREATED_FROM, CREATED_TO);
  const created = createdAt.getTime();
  const signup = r.chance(0.6) ? "web" : "app";
  const erased = plan.status === "erased";
  const erasedAt = erased ? r.dateBetween(created + 40 * DAY, AS_OF - DAY) : null;
  /** History (signup, policy updates, changes of mind) before this; final choices after. */
  const tHist = created + (AS_OF - created) * r.between(0.3, 0.7);
  const locale = r.chance(0.9) ? city.locale : r.pick(["en-GB", "en-US"]);
  const home = address(r, country, city, 0.65);

  w.push(schema.customers, { id, status: plan.status, residency, createdAt, erasedAt });

  // -- profile (a tombstone when erased) and credentials --
  if (erased) {
    w.push(schema.profiles, {
      customerId: id,
      fullName: null,
      displayName: null,
      email: null,
      phone: null,
      addressLine1: null,
      addressLine2: null,
      postalCode: null,
      city: null,
      country: null,
      username: null,
      language: null,
      socialHandle: null,
      socialPictureUrl: null,
      socialLikes: null,
      locationLatitude: null,
      locationLongitude: null,
      locationRecordedAt: null,
      updatedAt: erasedAt as Date,
    });
  } else {
    const fa = ascii(first) || "user";
    const la = ascii(last) || "customer";
    const username = uniqueName(
      ctx.used.usernames,
      r.weighted([
        [`${fa}.${la}`, 4],
        [`${fa}${la}`, 2],
        [`${fa}_${r.int(70, 99)}`, 2],
        [`${fa[0]}${la}`, 2],
      ]),
      r,
    );
    const local = r.weighted([
      [`${fa}.${la}`, 5],
      [`${fa}${la}`, 2],
      [`${fa[0]}.${la}`, 2],
      [`${fa}_${la}`, 1],
    ]);
    const domain = r.pick(D.EMAIL_DOMAINS);
    const email = uniqueName(ctx.used.emails, local, r, (b, suffix) => `${b}${suffix ?? ""}@${domain}`);
    const display = r.weighted([
      [first, 4],
      [`${first} ${Array.from(last)[0]}.`, 3],
      [username, 2],
    ]);
    const social = r.chance(0.8);
    const located = r.chance(0.75);
    w.push(schema.profiles, {
      customerId: id,
      fullName: ctx.canaries ? `${first} ${tok(ctx)} ${last}` : `${first} ${last}`,
      displayName: mark(ctx, display),
      email: ctx.canaries ? email.replace("@", `.${tok(ctx)}@`) : email,
      phone: r.chance(0.92) ? phoneNumber(ctx, r, city) : null,
      addressLine1: mark(ctx, home.line1),
      addressLine2: markOrNull(ctx, home.line2),
      postalCode: mark(ctx, home.postcode),
      city: mark(ctx, home.city),
      country: home.country,
      username: ctx.canaries ? `${username}.${tok(ctx)}` : username,
      language: r.chance(0.95) ? markLang(ctx, locale) : null,
      socialHandle: social ? (ctx.canaries ? `@${username.replace(/\./g, "_")}_${tok(ctx)}` : `@${username.replace(/\./g, "_")}`) : null,
      socialPictureUrl: social
        ? `https://social.example.net/avatars/${ctx.canaries ? `${tok(ctx)}-` : ""}${Array.from(r.bytes(8), (b) => b.toString(16).padStart(2, "0")).join("")}.jpg`
        : null,
      socialLikes: social ? r.sample(D.SOCIAL_LIKES, r.int(2, 5)).map((like) => mark(ctx, like)) : null,
      locationLatitude: located ? coordinate(ctx, r, city.lat, ctx.used.lat) : null,
      locationLongitude: located ? coordinate(ctx, r, city.lng, ctx.used.lng) : null,
      locationRecordedAt: located ? r.dateBetween(created, AS_OF - HOUR) : null,
      updatedAt: r.dateBetween(created, AS_OF - HOUR),
    });

    // A fake scrypt hash in the passlib format: random salt and digest, derived from no password.
    const randomSalt = randomBase64(r, 16);
    const salt = ctx.canaries ? tok(ctx) : randomSalt;
    w.push(schema.credentials, {
      customerId: id,
      passwordHash: `$scrypt$ln=17,r=8,p=1$${salt}$${randomBase64(r, 32)}`,
      updatedAt: r.dateBetween(created, AS_OF - HOUR),
    });
  }

  // -- accounts (kept, numberless, in a tombstone) --
  const extraAccounts = r.sample(
    D.ACCOUNT_PRODUCTS.slice(1),
    r.weighted([
      [0, 40],
      [1, 35],
      [2, 18],
      [3, 7],
    ]),
  );
  for (const [k, product] of [D.ACCOUNT_PRODUCTS[0], ...extraAccounts].entries()) {
    const digits = pad(r.int(0, 9999), 4);
    const middle = ctx.canaries && !erased ? tok(ctx) : digits;
    const number = `${product.code}-${country.code}-${middle}-${pad(r.int(0, 9999), 4)}`;
    w.push(schema.accounts, {
      id: r.uuid(),
      customerId: id,
      accountNumber: erased ? null : number,
      product: product.product,
      status: erased
        ? "closed"
        : r.weighted([
            ["open", 90],
            ["frozen", 3],
            ["closed", 7],
          ] as const),
      openedAt: k === 0 ? createdAt : r.dateBetween(created, AS_OF - DAY),
    });
  }

  // -- payment methods: tokens only, never a card number --
  if (!erased) {
    const count = r.weighted([
      [1, 55],
      [2, 35],
      [3, 10],
    ]);
    for (let k = 0; k < count; k++) {
      const billing = k === 0 || r.chance(0.8) ? home : address(r, country, r.pick(country.cities), 0);
      const delivery = r.chance(0.1) ? null : r.chance(0.7) ? billing : address(r, country, r.pick(country.cities), 0);
      let lastFour = pad(r.int(0, 9999), 4);
      for (let a = 0; ctx.canaries && ctx.used.lastFour.has(lastFour) && ctx.used.lastFour.size < 10_000 && a < 1000; a++) {
        lastFour = pad(r.int(0, 9999), 4);
      }
      ctx.used.lastFour.add(lastFour);
      const random = randomText(r, BASE62, 24);
      w.push(schema.paymentMethods, {
        id: r.uuid(),
        customerId: id,
        cardToken: ctx.canaries ? `tok_${tok(ctx)}_${random.slice(0, 16)}` : `tok_${random}`,
        brand: r.weighted(D.CARD_BRANDS),
        lastFour,
        expiry: `${r.int(2025, 2031)}-${pad(r.int(1, 12), 2)}`,
        billingLine1: mark(ctx, billing.line1),
        billingPostalCode: mark(ctx, billing.postcode),
        billingCity: mark(ctx, billing.city),
        billingCountry: billing.country,
        deliveryLine1: delivery ? mark(ctx, delivery.line1) : null,
        deliveryPostalCode: delivery ? mark(ctx, delivery.postcode) : null,
        deliveryCity: delivery ? mark(ctx, delivery.city) : null,
        deliveryCountry: delivery ? delivery.country : null,
        addedAt: r.dateBetween(created, AS_OF - DAY),
      });
    }
  }

  // -- purchases (kept under legal hold when erased) --
  const purchases = r.weighted([
    [0, 14],
    [1, 20],
    [2, 20],
    [3, 15],
    [4, 10],
    [5, 8],
    [6, 7],
    [8, 6],
  ]);
  for (let k = 0; k < purchases; k++) {
    const product = r.pick(D.PRODUCTS);
    const purchasedAt = r.dateBetween(created, erasedAt ? erasedAt.getTime() : AS_OF - HOUR);
    const factor = D.CURRENCY_FACTOR[country.currency] ?? 1;
    const amount = Math.max(99, Math.round((product.priceCents * factor * r.between(0.85, 1.05)) / 100) * 100 - 1);
    w.push(schema.purchases, {
      id: r.uuid(),
      customerId: id,
      product: mark(ctx, product.name),
      amountCents: amount,
      currency: country.currency,
      purchasedAt,
      invoiceRef: `INV-${purchasedAt.getUTCFullYear()}-${pad(ctx.invoiceNext++, 6)}`,
      taxRate: city.taxRate,
    });
  }

  // -- subject requests --
  const request = (
    kind: "access" | "portability" | "rectification" | "erasure" | "restriction" | "objection",
    state: "received" | "verified" | "completed" | "rejected",
    detail: Record<string, unknown>,
    receivedAt: Date,
    verifiedAt: Date | null,
    closedAt: Date | null,
  ) =>
    w.push(schema.subjectRequests, {
      id: r.uuid(),
      customerId: id,
      kind,
      state,
      detail,
      receivedAt,
      dueAt: at(receivedAt.getTime() + 30 * DAY),
      verifiedAt,
      closedAt,
    });
  if (erasedAt) {
    const received = at(erasedAt.getTime() - r.int(3, 25) * DAY);
    request("erasure", "completed", {}, received, at(received.getTime() + r.int(1, 48) * HOUR), erasedAt);
  }
  if (plan.status === "restricted") {
    const received = r.dateBetween(created + DAY, AS_OF - 10 * DAY);
    const verified = at(received.getTime() + r.int(1, 48) * HOUR);
    const grounds = r.pick(["accuracy_contested", "unlawful_processing", "legal_claims", "objection_pending"]);
    request("restriction", "completed", { grounds }, received, verified, at(verified.getTime() + r.int(1, 5) * DAY));
  }
  let objectionClosed: Date | null = null;
  if (plan.objector) {
    const received = r.dateBetween(tHist + HOUR, AS_OF - 7 * DAY);
    const verified = at(received.getTime() + r.int(1, 48) * HOUR);
    objectionClosed = at(verified.getTime() + r.int(1, 4) * DAY);
    request("objection", "completed", { purposes: ["marketing", "research"] }, received, verified, objectionClosed);
  }
  if (plan.access === "received") {
    request("access", "received", {}, r.dateBetween(AS_OF - 20 * DAY, AS_OF - HOUR), null, null);
  } else if (plan.access === "verified") {
    const received = r.dateBetween(AS_OF - 25 * DAY, AS_OF - 3 * DAY);
    request("access", "verified", {}, received, at(received.getTime() + r.int(1, 48) * HOUR), null);
  }
  if (plan.pastRequest) {
    const kind = r.weighted([
      ["access", 5],
      ["portability", 2],
      ["rectification", 3],
    ] as const);
    const detail =
      kind === "portability" ? { format: "json" } : kind === "rectification" ? { fields: [r.pick(["address", "name", "phone"])] } : {};
    const received = r.dateBetween(created + DAY, AS_OF - 40 * DAY);
    const rejected = r.chance(0.15);
    const closed = at(received.getTime() + r.int(2, 25) * DAY);
    request(
      kind,
      rejected ? "rejected" : "completed",
      detail,
      received,
      rejected ? null : at(received.getTime() + r.int(1, 48) * HOUR),
      closed,
    );
  }

  const until = erasedAt ? erasedAt.getTime() : AS_OF;
  const hist = Math.min(tHist, until - 2 * DAY); // tHist for the living (created is 60 days before AS_OF at the latest)
  // -- preferences and consent events: proof of consent, kept through erasure under legal hold
  // (src/policy/retention.ts), so an erased subject has them too, up to its erasure --
  const marketingOut = plan.optOut.marketing || plan.objector;
  w.push(schema.preferences, {
    customerId: id,
    emailNewsletter: !marketingOut && r.chance(0.55),
    smsOffers: !marketingOut && r.chance(0.2),
    postalMail: !marketingOut && r.chance(0.12),
    preferredChannel: r.chance(0.9) ? r.weighted(D.PREFERRED_CHANNELS) : null,
    updatedAt: r.dateBetween(created, until - HOUR),
  });

  // -- consent events: append-only history, the latest event per purpose wins --
  const event = (purpose: string, granted: boolean, source: string, when: Date, partnerId: string | null = null) =>
    w.push(schema.consentEvents, {
      id: r.uuid(),
      customerId: id,
      purpose,
      partnerId,
      granted,
      source,
      policyVersion: policyAt(when),
      recordedAt: when,
    });
  for (const purpose of OPT_OUT_PURPOSES) event(purpose, true, signup, createdAt);
  for (const v of POLICY_VERSIONS) {
    const effective = v.effective.getTime();
    if (effective > created && effective + DAY < hist && r.chance(0.6)) {
      const when = r.dateBetween(effective, Math.min(effective + 60 * DAY, hist));
      for (const purpose of ["marketing", "advertising"]) event(purpose, true, r.pick(["web", "app"]), when);
    }
  }
  if (r.chance(0.15)) {
    // A change of mind, undone: withdrawn then granted again, both before the final choices.
    const purpose = r.pick(OPT_OUT_PURPOSES);
    const t1 = r.dateBetween(created + HOUR, hist - 2 * HOUR);
    event(purpose, false, r.weighted(CHOICE_SOURCES), t1);
    event(purpose, true, r.weighted(CHOICE_SOURCES), r.dateBetween(t1.getTime() + HOUR, hist));
  }
  for (const purpose of OPT_OUT_PURPOSES) {
    if (!plan.optOut[purpose]) continue;
    const source = purpose === "advertising" && plan.gpc ? "gpc" : r.weighted(CHOICE_SOURCES);
    event(purpose, false, source, r.dateBetween(hist + HOUR, until - HOUR));
  }
  if (objectionClosed) {
    event("marketing", false, "dsr", objectionClosed);
    event("research", false, "dsr", objectionClosed);
  }
  const sharing = (role: PartnerRole, optIn: number, withdraw: number) => {
    if (!r.chance(optIn)) return;
    event("third_party_sharing", true, r.pick(["web", "app"]), r.dateBetween(created, hist), ctx.partners[role]);
    if (r.chance(withdraw)) {
      event("third_party_sharing", false, r.weighted(CHOICE_SOURCES), r.dateBetween(hist + HOUR, until - HOUR), ctx.partners[role]);
    }
  };
  if (!plan.gpc) sharing("thirdParty", 0.3, 0.2);
  sharing("affiliate", 0.35, 0.15);

  if (!erased) {
    // -- submitted messages --
    const messages = r.weighted([
      [0, 40],
      [1, 35],
      [2, 17],
      [3, 8],
    ]);
    const templates = D.MESSAGE_TEMPLATES.filter((t) => t.lang === "any" || t.lang === city.lang);
    for (let k = 0; k < messages; k++) {
      const t = r.pick(templates);
      const product = r.pick(D.PRODUCTS).name;
      const fill = (s: string) => s.replace("{product}", product).replace("{city}", city.name).replace("{first}", first);
      const submittedAt = r.dateBetween(created, AS_OF - HOUR);
      const closed = submittedAt.getTime() < AS_OF - DAY && r.chance(0.6);
      w.push(schema.submittedMessages, {
        id: r.uuid(),
        customerId: id,
        subject: mark(ctx, fill(t.subject)),
        body: mark(ctx, fill(t.body)),
        status: closed ? "closed" : "open",
        submittedAt,
        closedAt: closed ? r.dateBetween(submittedAt.getTime() + HOUR, Math.min(submittedAt.getTime() + 10 * DAY, AS_OF)) : null,
      });
    }

    // -- partner links --
    if (r.chance(0.35)) w.push(schema.partnerLinks, { partnerId: ctx.partners.serviceProvider, customerId: id });
    if (r.chance(0.15)) w.push(schema.partnerLinks, { partnerId: ctx.partners.affiliate, customerId: id });
  }

  return { index: plan.index, id, createdAt, locale, erased };
}

// ---- visits ----------------------------------------------------------------------------------

const DEVICE_ENTRIES = D.DEVICE_PROFILES.map((d) => [d, d.weight] as const);
const REFERRER_ENTRIES = D.REFERRERS.map(([url, weight]) => [url as string, weight] as const);

function* visitsOf(ctx: Ctx, c: CustomerInfo): Generator<typeof schema.visits.$inferInsert> {
  if (c.erased) return;
  const v = ctx.root.fork("visits", c.index);
  const count = ctx.visitsPerCustomer ?? v.int(5, 25);
  const devices = Array.from({ length: v.int(1, 3) }, () => v.weighted(DEVICE_ENTRIES));
  const homeIps = Array.from({ length: v.int(1, 3) }, () => randomIp(v));
  const from = Math.max(c.createdAt.getTime(), VISITS_FROM);
  for (let k = 0; k < count; k++) {
    const device = v.pick(devices);
    const slug = v.pick(D.PRODUCTS).slug;
    const referrer = v.chance(0.75)
      ? v
          .weighted(REFERRER_ENTRIES)
          .replace("{slug}", slug)
          .replace("{q}", encodeURIComponent(v.pick(D.SEARCH_TERMS)).replace(/%20/g, "+"))
          .replace("{id}", randomText(v, BASE62, 10))
          .replace("{campaign}", v.pick(D.CAMPAIGNS))
      : null;
    const page = v.weighted<string>([
      [`/products/${slug}`, 40],
      [v.pick(D.PAGES), 45],
      [`/blog/${v.pick(D.BLOG_POSTS)}`, 5],
      [`/search?q=${encodeURIComponent(v.pick(D.SEARCH_TERMS)).replace(/%20/g, "+")}`, 10],
    ]);
    yield {
      id: v.uuid(),
      customerId: c.id,
      ipAddress: ctx.canaries ? uniqueIp(ctx, v) : v.chance(0.85) ? v.pick(homeIps) : randomIp(v),
      userAgent: mark(ctx, device.userAgent),
      device: device.device,
      operatingSystem: mark(ctx, device.os),
      language: markLang(ctx, v.chance(0.9) ? c.locale : v.pick(["en-US", "en-GB", "de-DE", "fr-FR", "es-ES"])),
      referrer: referrer === null ? null : markUrl(ctx, referrer),
      page: markUrl(ctx, page),
      visitedAt: v.dateBetween(from, AS_OF - 60_000),
    };
  }
}

// ---- entry point -----------------------------------------------------------------------------

function checkCount(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`seed: ${name} must be a non-negative integer, got ${value}`);
  return n;
}

/** Writes the demo data set into an empty, migrated database. */
export async function seed(db: Database, options: SeedOptions = {}): Promise<SeedSummary> {
  const customers = checkCount("customers", options.customers, SEED_DEFAULTS.customers);
  const seedValue = options.seed ?? SEED_DEFAULTS.seed;
  if (!Number.isSafeInteger(seedValue)) throw new RangeError(`seed: seed must be an integer, got ${options.seed}`);
  const visitsPerCustomer =
    options.visitsPerCustomer === undefined ? undefined : checkCount("visitsPerCustomer", options.visitsPerCustomer, 0);
  const canaries = options.canaries ?? SEED_DEFAULTS.canaries;
  const root = new Rng(`privacy-gateway-seed/${seedValue}`);

  // Partners and their keys depend on the seed alone, not on the other options.
  const partnerIds = {} as Record<PartnerRole, string>;
  const apiKeys: DemoApiKey[] = [];
  const partnerRows: Array<typeof schema.partners.$inferInsert> = [];
  const grantRows: Array<typeof schema.partnerGrants.$inferInsert> = [];
  const keyRows: Array<typeof schema.partnerKeys.$inferInsert> = [];
  for (const p of DEMO_PARTNERS) {
    const r = root.fork("partner", p.role);
    const id = r.uuid();
    partnerIds[p.role] = id;
    partnerRows.push({
      id,
      name: p.name,
      kind: p.kind,
      region: p.region,
      contractRef: p.contractRef,
      persistedOperationsOnly: false,
      createdAt: PARTNERS_CREATED,
    });
    grantRows.push({
      id: r.uuid(),
      partnerId: id,
      purposes: [...p.grant.purposes],
      categories: [...p.grant.categories],
      subjectScope: p.grant.subjectScope,
      regions: [...p.grant.regions],
      transferBasis: p.grant.transferBasis,
      validFrom: GRANT_VALID_FROM,
      validUntil: GRANT_VALID_UNTIL,
      requestsPerMinute: p.grant.requestsPerMinute,
      revokedAt: null,
    });
    const key = generateApiKey(r);
    keyRows.push({ id: key.keyId, partnerId: id, secretHash: hashApiKeySecret(key.secret), createdAt: GRANT_VALID_FROM, revokedAt: null });
    apiKeys.push({ partnerId: id, partnerName: p.name, kind: p.kind, region: p.region, keyId: key.keyId, apiKey: key.key });
  }

  const ipv4Pool = root
    .fork("ipv4-pool")
    .shuffle(IPV4_PREFIXES.flatMap((prefix) => Array.from({ length: 254 }, (_, i) => `${prefix}${i + 1}`)));
  const ctx: Ctx = {
    root,
    canaries,
    tokens: new CanaryCounter(),
    visitsPerCustomer,
    partners: partnerIds,
    used: { emails: new Set(), usernames: new Set(), phones: new Set(), lastFour: new Set(), lat: new Set(), lng: new Set() },
    ipv4Pool,
    ipv4Next: 0,
    ipv6Next: 0,
    nanpNext: 0,
    invoiceNext: 1,
  };
  const plans = planStates(customers, root);

  const summary = await db.transaction(async (tx) => {
    const w = new Writer(tx as unknown as Database);
    for (const row of partnerRows) w.push(schema.partners, row);
    for (const row of grantRows) w.push(schema.partnerGrants, row);
    for (const row of keyRows) w.push(schema.partnerKeys, row);
    for (const t of [schema.partners, schema.partnerGrants, schema.partnerKeys]) await w.flush(t, true);

    for (let start = 0; start < plans.length; start += CUSTOMER_CHUNK) {
      const chunk = plans.slice(start, start + CUSTOMER_CHUNK).map((plan) => buildCustomer(ctx, plan, w));
      await w.flush(schema.customers, true); // parents first: the chunk's customers are all written
      for (const t of CUSTOMER_DEPENDENTS) await w.flush(t, false);
      for (const c of chunk) {
        for (const visit of visitsOf(ctx, c)) {
          w.push(schema.visits, visit);
          if (w.size(schema.visits) >= BATCH_SIZE) await w.flush(schema.visits, false);
        }
      }
    }
    for (const t of CUSTOMER_DEPENDENTS) await w.flush(t, true);
    await w.flush(schema.visits, true);
    return { rows: w.rows, statements: w.statements };
  });

  return { seed: seedValue, customers, canaries, rows: summary.rows, apiKeys, statements: summary.statements };
}

// ---- maintenance (the CLI and tests) ---------------------------------------------------------

/** Rows per table, every table of the schema. */
export async function rowCounts(db: Database): Promise<Record<SeedTableName, number>> {
  const out = {} as Record<SeedTableName, number>;
  for (const table of SEED_TABLES) {
    const [row] = await db.select({ n: count() }).from(table);
    out[getTableName(table)] = row?.n ?? 0;
  }
  return out;
}

/** Empties every table of the schema (the CLI's `--reset`). */
export async function truncateAll(db: Database): Promise<void> {
  // Every table, those the seed does not fill included (request events, rate-limit windows, purge runs).
  const names = Object.values(schema)
    .filter((t) => isTable(t))
    .map((t) => `"${getTableName(t as PgTable)}"`)
    .join(", ");
  await db.execute(sql.raw(`truncate table ${names} restart identity cascade`));
}
