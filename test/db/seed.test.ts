import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { getTableColumns, getTableName, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, hashApiKeySecret, parseApiKey, verifyApiKeySecret } from "../../src/db/apiKeys.js";
import { createDatabase, type Database, type DatabaseHandle } from "../../src/db/client.js";
import { queryRows } from "../helpers/queryRows.js";
import { CANARY_COLUMNS, CANARY_PATTERN, findCanaries } from "../../src/db/seed/canary.js";
import { Rng } from "../../src/db/seed/random.js";
import { BATCH_SIZE, rowCounts, seed, SEED_AS_OF, SEED_TABLES, type SeedSummary, truncateAll } from "../../src/db/seed/seed.js";

// ---- test databases: in-memory PGlite, plus a PostgreSQL server when TEST_DATABASE_URL is set --
// (to move to a shared test helper)

type Target = "pglite" | "postgres";
const SERVER_URL = process.env.TEST_DATABASE_URL || undefined;
const TARGETS: Target[] = SERVER_URL ? ["pglite", "postgres"] : ["pglite"];

/** A fresh, migrated, empty database; on a server, a throwaway database dropped on close. */
async function freshDatabase(target: Target): Promise<DatabaseHandle> {
  if (target === "pglite") {
    const handle = await createDatabase({});
    await handle.migrate();
    return handle;
  }
  const name = `seed_test_${randomUUID().replace(/-/g, "")}`;
  const admin = postgres(SERVER_URL as string, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(SERVER_URL as string);
  url.pathname = `/${name}`;
  const inner = await createDatabase({ url: url.toString(), poolSize: 2 });
  await inner.migrate();
  return {
    db: inner.db,
    driver: inner.driver,
    lock: inner.lock,
    get statements() {
      return inner.statements;
    },
    counting: (tally) => inner.counting(tally),
    unflushed: inner.unflushed,
    migrate: () => inner.migrate(),
    ping: () => inner.ping(),
    close: async () => {
      await inner.close();
      const dropper = postgres(SERVER_URL as string, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
    },
  };
}

/** Every table as a sorted list of JSON rows: a stable, order-independent dump. */
async function dump(db: Database): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of SEED_TABLES) {
    const rows = await db.select().from(table);
    out[getTableName(table)] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return out;
}

/** Every row of every table, keyed by SQL column name. */
async function allRows(db: Database): Promise<Array<{ table: string; row: Record<string, unknown> }>> {
  const out: Array<{ table: string; row: Record<string, unknown> }> = [];
  for (const table of SEED_TABLES) {
    const columns = Object.entries(getTableColumns(table));
    for (const r of await db.select().from(table)) {
      const row: Record<string, unknown> = {};
      for (const [key, column] of columns) row[column.name] = (r as Record<string, unknown>)[key];
      out.push({ table: getTableName(table), row });
    }
  }
  return out;
}

/** `table.column` of every text, text[] and jsonb column: where a card number could hide. */
const TEXT_COLUMNS = new Set(
  SEED_TABLES.flatMap((table) =>
    Object.values(getTableColumns(table))
      .filter((column) => /^(text|jsonb)(\[\])?$/.test(column.getSQLType()))
      .map((column) => `${getTableName(table)}.${column.name}`),
  ),
);

/** Text columns holding a Luhn-valid 13-19 digit run: `table.column: value`. */
function cardNumberCells(rows: Array<{ table: string; row: Record<string, unknown> }>): string[] {
  const found: string[] = [];
  for (const { table, row } of rows) {
    for (const [column, value] of Object.entries(row)) {
      if (!TEXT_COLUMNS.has(`${table}.${column}`)) continue;
      for (const text of texts(value)) if (cardNumbersIn(text).length > 0) found.push(`${table}.${column}: ${text}`);
    }
  }
  return found;
}

/** The text pieces of a value: strings, array elements, JSON. */
function texts(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) return [JSON.stringify(value)];
  return [];
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Luhn-valid 13-19 digit runs (spaces or dashes between digits allowed), anywhere in the text. */
function cardNumbersIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\d(?:[ -]?\d)*/g)) {
    const digits = m[0].replace(/[ -]/g, "");
    for (let len = 13; len <= 19; len++) {
      for (let start = 0; start + len <= digits.length; start++) {
        const candidate = digits.slice(start, start + len);
        if (luhn(candidate)) found.push(candidate);
      }
    }
  }
  return found;
}

// ---- pure parts ------------------------------------------------------------------------------

describe("Rng", () => {
  it("is a pure function of its key, and forks do not depend on draws", () => {
    const a = new Rng("k");
    const b = new Rng("k");
    const xs = Array.from({ length: 50 }, () => a.uint32());
    expect(Array.from({ length: 50 }, () => b.uint32())).toEqual(xs);
    expect(new Rng("k").fork("x", 1).uint32()).toBe(a.fork("x", 1).uint32());
    expect(new Rng("other").uint32()).not.toBe(xs[0]);
  });

  it("keeps its helpers in range", () => {
    const r = new Rng("helpers");
    for (let i = 0; i < 2000; i++) {
      const n = r.int(-3, 3);
      expect(n).toBeGreaterThanOrEqual(-3);
      expect(n).toBeLessThanOrEqual(3);
      expect(
        r.weighted([
          ["never", 0],
          ["always", 1],
        ]),
      ).toBe("always");
    }
    const d = r.dateBetween(new Date("2026-01-01"), new Date("2026-01-02"));
    expect(d.getTime() % 1000).toBe(0);
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("API keys", () => {
  it("are pk_<12 lowercase alphanumerics>_<32 base64url> and parse back", () => {
    for (const key of [generateApiKey(), generateApiKey(new Rng("keys"))]) {
      expect(key.key).toMatch(/^pk_[a-z0-9]{12}_[A-Za-z0-9_-]{32}$/);
      expect(parseApiKey(key.key)).toEqual({ keyId: key.keyId, secret: key.secret });
    }
    expect(generateApiKey(new Rng("keys"))).toEqual(generateApiKey(new Rng("keys")));
  });

  it("rejects anything else", () => {
    const { key } = generateApiKey();
    for (const bad of ["", "pk_", key.slice(0, -1), `${key}x`, ` ${key}`, key.replace("pk_", "sk_"), key.toUpperCase()]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });

  it("stores only a SHA-256 hex of the secret", () => {
    expect(hashApiKeySecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const { secret } = generateApiKey();
    expect(verifyApiKeySecret(secret, hashApiKeySecret(secret))).toBe(true);
    expect(verifyApiKeySecret(`${secret}x`, hashApiKeySecret(secret))).toBe(false);
    expect(verifyApiKeySecret(secret, "not hex")).toBe(false);
  });
});

describe("the card-number detector used below", () => {
  it("finds card numbers however they are written, and not the seed's usual digits", () => {
    expect(cardNumbersIn("card 4111 1111 1111 1111 ok")).toContain("4111111111111111");
    expect(cardNumbersIn("x5500-0000-0000-0004x")).toContain("5500000000000004");
    expect(cardNumbersIn("+44 7700 900123, SHOP-DE-0482-1930, INV-2025-000123, 01310-100")).toEqual([]);
  });
});

// ---- against a real database -----------------------------------------------------------------

describe.each(TARGETS)("seed on %s", (target) => {
  // Two databases: `a` keeps the default data set; `scratch` starts fresh, then is emptied with
  // truncateAll before each further use (creating a PGlite instance costs seconds, seeding does not).
  let a: DatabaseHandle;
  let scratch: DatabaseHandle;
  let summary: SeedSummary;
  let seconds = 0;

  beforeAll(async () => {
    a = await freshDatabase(target);
    scratch = await freshDatabase(target);
    const started = performance.now();
    summary = await seed(a.db);
    seconds = (performance.now() - started) / 1000;
  });
  afterAll(async () => {
    await a?.close();
    await scratch?.close();
  });

  const emptyScratch = async () => {
    await truncateAll(scratch.db);
    expect(Object.values(await rowCounts(scratch.db)).every((n) => n === 0)).toBe(true);
  };

  it("writes the default data set quickly, and the summary matches the tables", async () => {
    console.info(`[seed:${target}] 300 customers in ${seconds.toFixed(2)} s, ${summary.statements} statements`);
    expect(seconds).toBeLessThan(15); // a regression guard, not a benchmark
    expect(summary.customers).toBe(300);
    expect(await rowCounts(a.db)).toEqual(summary.rows);
    expect(summary.rows.customers).toBe(300);
    expect(summary.rows.visits).toBeGreaterThan(300 * 10);
  });

  it("is deterministic: same options on a fresh database, identical rows, ids included", async () => {
    const again = await seed(scratch.db); // scratch is still fresh here
    expect(again).toEqual(summary);
    expect(await dump(scratch.db)).toEqual(await dump(a.db));
  });

  it("gives other data for another seed", async () => {
    await emptyScratch();
    const other = await seed(scratch.db, { customers: 20, seed: 7 });
    expect(other.apiKeys.map((k) => k.apiKey)).not.toEqual(summary.apiKeys.map((k) => k.apiKey));
    const ids = new Set((await dump(a.db)).customers ?? []);
    expect(((await dump(scratch.db)).customers ?? []).some((row) => ids.has(row))).toBe(false);
  });

  it("has three partners with one grant and one working API key each", async () => {
    const partners = await queryRows<{ id: string; kind: string; region: string }>(
      a.db,
      sql`select id, kind, region from partners order by kind`,
    );
    expect(partners.map((p) => [p.kind, p.region])).toEqual([
      ["affiliate", "EU"],
      ["service_provider", "US"],
      ["third_party", "US"],
    ]);
    const grants = await queryRows<Record<string, unknown>>(
      a.db,
      sql`
      select p.kind, g.purposes, g.categories, g.subject_scope, g.transfer_basis, g.valid_from, g.valid_until
      from partner_grants g join partners p on p.id = g.partner_id order by p.kind`,
    );
    expect(grants.map((g) => [g.kind, g.purposes, g.categories, g.subject_scope, g.transfer_basis])).toEqual([
      ["affiliate", ["marketing"], ["user.name", "user.contact.email"], "consented", null],
      ["service_provider", ["customer_support"], ["user.name", "user.contact"], "linked", "SCC-2021"],
      ["third_party", ["advertising"], ["user.device", "user.behavior.browsing_history"], "consented", null],
    ]);
    for (const g of grants) {
      expect(new Date(g.valid_from as string).toISOString()).toBe("2026-01-01T00:00:00.000Z");
      expect(new Date(g.valid_until as string).toISOString().slice(0, 10)).toBe("2027-12-31");
    }
    const keys = await queryRows<{ id: string; partner_id: string; secret_hash: string }>(
      a.db,
      sql`select id, partner_id, secret_hash from partner_keys`,
    );
    expect(keys).toHaveLength(3);
    for (const demo of summary.apiKeys) {
      const parsed = parseApiKey(demo.apiKey);
      expect(parsed?.keyId).toBe(demo.keyId);
      const stored = keys.find((k) => k.id === demo.keyId);
      expect(stored?.partner_id).toBe(demo.partnerId);
      expect(stored?.secret_hash).toBe(hashApiKeySecret(parsed?.secret as string));
      expect(JSON.stringify(keys)).not.toContain(parsed?.secret as string);
    }
    // The keys printed in the README: a change here means the README needs one too.
    expect(summary.apiKeys.map((k) => [k.partnerName, k.apiKey])).toEqual([
      ["Northwind Rewards", "pk_ka8foxkebifq__xIprxbDaobsRqkiEnpnXLs-mGZsyVpm"],
      ["Contoso Support Services", "pk_xq23vto9zsbo_oQiMABY_Fs5IxAOrTfwSam6StPgUbVhB"],
      ["Fabrikam Ad Network", "pk_6nnb4i2ydh53_-wMg-frUka2wMV7COFmx79JRzKwqQXhR"],
    ]);
  });

  it("spreads the customers over every state, in the fixed proportions", async () => {
    const status = await queryRows<{ status: string; n: number }>(
      a.db,
      sql`select status, count(*)::int as n from customers group by status`,
    );
    expect(Object.fromEntries(status.map((s) => [s.status, s.n]))).toEqual({ active: 285, restricted: 9, erased: 6 });

    const residency = await queryRows<{ residency: string; n: number }>(
      a.db,
      sql`select residency, count(*)::int as n from customers group by residency order by n desc`,
    );
    expect(residency.map((r) => r.residency).sort()).toEqual(["BR", "CA", "CH", "EU", "UK", "US"]);
    expect(residency[0]?.residency).toBe("EU");

    // The latest consent event per (customer, purpose, partner) is the current state.
    const latest = await queryRows<{ purpose: string; partner_id: string | null; granted: boolean; source: string; customer_id: string }>(
      a.db,
      sql`
      select distinct on (customer_id, purpose, partner_id) customer_id, purpose, partner_id, granted, source
      from consent_events order by customer_id, purpose, partner_id, recorded_at desc`,
    );
    const out = (purpose: string) => latest.filter((e) => e.purpose === purpose && !e.granted);
    const objectors = await queryRows<{ customer_id: string; detail: unknown; state: string }>(
      a.db,
      sql`
      select customer_id, detail, state from subject_requests where kind = 'objection'`,
    );
    expect(objectors).toHaveLength(12);
    for (const o of objectors) {
      expect(o.state).toBe("completed");
      expect(o.detail).toEqual({ purposes: ["marketing", "research"] });
    }
    const objectorIds = new Set(objectors.map((o) => o.customer_id));
    expect(out("marketing").filter((e) => !objectorIds.has(e.customer_id))).toHaveLength(30);
    expect(out("marketing").filter((e) => objectorIds.has(e.customer_id))).toHaveLength(12);
    expect(
      out("research")
        .map((e) => e.customer_id)
        .sort(),
    ).toEqual([...objectorIds].sort());
    expect(out("advertising")).toHaveLength(30);
    expect(out("advertising").filter((e) => e.source === "gpc")).toHaveLength(10);
    expect(out("analytics")).toHaveLength(24);
    expect(out("personalization")).toHaveLength(15);

    const partners = await queryRows<{ id: string; kind: string }>(a.db, sql`select id, kind from partners`);
    const partnerId = (kind: string) => partners.find((p) => p.kind === kind)?.id;
    for (const kind of ["third_party", "affiliate"]) {
      const sharing = latest.filter((e) => e.purpose === "third_party_sharing" && e.partner_id === partnerId(kind));
      expect(sharing.filter((e) => e.granted).length).toBeGreaterThan(10);
      expect(sharing.filter((e) => !e.granted).length).toBeGreaterThan(0);
    }
    const links = await queryRows<{ kind: string; n: number }>(
      a.db,
      sql`
      select p.kind, count(*)::int as n from partner_links l join partners p on p.id = l.partner_id group by p.kind`,
    );
    expect(links.map((l) => l.kind).sort()).toEqual(["affiliate", "service_provider"]);

    const requests = await queryRows<{ kind: string; state: string; n: number }>(
      a.db,
      sql`
      select kind, state, count(*)::int as n from subject_requests group by kind, state`,
    );
    const requestCount = (kind: string, state: string) => requests.find((r) => r.kind === kind && r.state === state)?.n ?? 0;
    expect(requestCount("restriction", "completed")).toBe(9);
    expect(requestCount("erasure", "completed")).toBe(6);
    expect(requestCount("access", "received")).toBeGreaterThanOrEqual(3);
    expect(requestCount("access", "verified")).toBeGreaterThanOrEqual(3);

    const restricted = await queryRows<{ n: number }>(
      a.db,
      sql`
      select count(*)::int as n from customers c where c.status = 'restricted' and exists (
        select 1 from subject_requests r where r.customer_id = c.id and r.kind = 'restriction' and r.state = 'completed')`,
    );
    expect(restricted[0]?.n).toBe(9);
  });

  it("leaves erased customers as tombstones, with what erasure keeps under legal hold", async () => {
    const erased = await queryRows<{ id: string; erased_at: unknown }>(
      a.db,
      sql`select id, erased_at from customers where status = 'erased'`,
    );
    expect(erased.length).toBeGreaterThan(0);
    const erasedAt = new Map(erased.map((e) => [e.id, new Date(e.erased_at as string)]));
    for (const e of erased) expect(e.erased_at).not.toBeNull();
    const held = new Set<string>();
    for (const { table, row } of await allRows(a.db)) {
      const at = erasedAt.get(row.customer_id as string);
      if (at === undefined) continue;
      if (table === "profiles") {
        const { customer_id, updated_at, ...personal } = row;
        expect(
          Object.values(personal).every((v) => v === null),
          `profile of ${customer_id}`,
        ).toBe(true);
      } else if (table === "accounts") {
        expect(row.account_number).toBeNull();
      } else if (table === "purchases") {
        expect(row.product).toBeTruthy(); // bookkeeping records, all under legal hold
        expect(row.invoice_ref).toBeTruthy();
        held.add(table);
      } else if (table === "consent_events" || table === "preferences") {
        // proof of consent, under legal hold, recorded before the erasure
        expect(new Date((row.recorded_at ?? row.updated_at) as string).getTime()).toBeLessThan(at.getTime());
        held.add(table);
      } else {
        expect(table).toBe("subject_requests");
      }
    }
    expect([...held].sort()).toEqual(["consent_events", "preferences", "purchases"]);
  });

  it("fills every column for some active customer", async () => {
    const active = new Set((await queryRows<{ id: string }>(a.db, sql`select id from customers where status = 'active'`)).map((c) => c.id));
    const filled = new Map<string, Set<string>>();
    const columns = new Map<string, string[]>();
    for (const { table, row } of await allRows(a.db)) {
      if (!("customer_id" in row) || table === "disclosure_events") continue;
      columns.set(table, Object.keys(row));
      if (!active.has(row.customer_id as string)) continue;
      const set = filled.get(table) ?? new Set<string>();
      for (const [name, value] of Object.entries(row)) if (value !== null && !(Array.isArray(value) && value.length === 0)) set.add(name);
      filled.set(table, set);
    }
    expect([...columns.keys()].sort()).toEqual([
      "accounts",
      "consent_events",
      "credentials",
      "partner_links",
      "payment_methods",
      "preferences",
      "profiles",
      "purchases",
      "subject_requests",
      "submitted_messages",
      "visits",
    ]);
    for (const [table, names] of columns) {
      const empty = names.filter((n) => !filled.get(table)?.has(n));
      expect(empty, `${table}: columns never filled for an active customer`).toEqual([]);
    }
  });

  it("uses only reserved or fictional identifiers and no card number", async () => {
    const rows = await allRows(a.db);
    expect(TEXT_COLUMNS.size).toBeGreaterThan(50);
    expect(cardNumberCells(rows)).toEqual([]);
    for (const { table, row } of rows) {
      if (table === "profiles" && row.email) expect(row.email).toMatch(/@example\.(com|org|net)$/);
      if (table === "profiles" && row.phone) {
        expect(row.phone).toMatch(
          /^(\+44 (7700 900|20 7946 0|1632 960)\d{3}|\+1 \d{3} 555 01\d{2}|\+49 (30 23125|69 90009|40 66969|221 4710|89 99998) \d{3})$/,
        );
      }
      if (table === "visits") {
        expect(row.ip_address).toMatch(/^(192\.0\.2\.|198\.51\.100\.|203\.0\.113\.)\d{1,3}$|^2001:db8:/);
        expect(["desktop", "mobile", "tablet"]).toContain(row.device);
      }
      if (table === "payment_methods") {
        expect(row.card_token).toMatch(/^tok_[A-Za-z0-9_]+$/);
        expect(row.last_four).toMatch(/^\d{4}$/);
        expect(row.expiry).toMatch(/^20\d\d-(0[1-9]|1[0-2])$/);
      }
      if (table === "credentials") expect(row.password_hash).toMatch(/^\$scrypt\$ln=\d+,r=8,p=1\$[^$]+\$[A-Za-z0-9+/]{43}$/);
      for (const value of Object.values(row)) {
        if (value instanceof Date) expect(value.getTime()).toBeLessThanOrEqual(Date.parse("2027-12-31T23:59:59Z"));
      }
      for (const column of ["created_at", "visited_at", "recorded_at", "submitted_at", "purchased_at", "received_at"]) {
        const value = row[column];
        if (value instanceof Date) expect(value.getTime(), `${table}.${column}`).toBeLessThanOrEqual(SEED_AS_OF.getTime());
      }
    }
  });

  it("adds a 5,000-visit customer in bounded statements, leaving the other data unchanged", async () => {
    const withoutVisits = async (db: Database) => {
      const { visits, ...rest } = await dump(db);
      return rest;
    };
    await emptyScratch();
    const s0 = scratch.statements;
    const none = await seed(scratch.db, { customers: 1, visitsPerCustomer: 0 });
    const smallStatements = scratch.statements - s0;
    const small = await withoutVisits(scratch.db);

    await emptyScratch();
    const b0 = scratch.statements;
    const started = performance.now();
    const many = await seed(scratch.db, { customers: 1, visitsPerCustomer: 5000 });
    const bigStatements = scratch.statements - b0;
    console.info(
      `[seed:${target}] 1 customer with 5,000 visits in ${((performance.now() - started) / 1000).toFixed(2)} s, ${bigStatements} statements`,
    );

    expect(none.rows.visits).toBe(0);
    expect(many.rows.visits).toBe(5000);
    // Exactly one more statement per BATCH_SIZE visits: batched, and never all in one.
    expect(bigStatements - smallStatements).toBe(Math.ceil(5000 / BATCH_SIZE));
    expect(many.statements - none.statements).toBe(Math.ceil(5000 / BATCH_SIZE));
    expect(bigStatements).toBeLessThan(30);
    const perCustomer = await queryRows<{ n: number; status: string }>(
      scratch.db,
      sql`
      select count(*)::int as n, min(c.status::text) as status from visits v join customers c on c.id = v.customer_id group by v.customer_id`,
    );
    expect(perCustomer).toEqual([{ n: 5000, status: "active" }]);
    expect(await withoutVisits(scratch.db)).toEqual(small);
  });

  describe("canary mode", () => {
    let rows: Array<{ table: string; row: Record<string, unknown> }>;

    beforeAll(async () => {
      await emptyScratch();
      await seed(scratch.db, { canaries: true });
      rows = await allRows(scratch.db);
    });

    const kindOf = (table: string, column: string): string | undefined =>
      (CANARY_COLUMNS as Record<string, Record<string, string>>)[table]?.[column];

    it("puts exactly one token in every value of every token column, and tokens nowhere else", () => {
      const seen = new Map<string, number>();
      for (const { table, row } of rows) {
        for (const [column, value] of Object.entries(row)) {
          const kind = kindOf(table, column);
          for (const text of texts(value)) {
            const tokens = findCanaries(text);
            if (kind === "token") expect(tokens, `${table}.${column}: ${text}`).toHaveLength(1);
            else expect(tokens, `${table}.${column} is not documented as carrying a canary: ${text}`).toEqual([]);
            if (kind === "token") seen.set(`${table}.${column}`, (seen.get(`${table}.${column}`) ?? 0) + 1);
          }
        }
      }
      const documented = Object.entries(CANARY_COLUMNS).flatMap(([table, cols]) =>
        Object.entries(cols)
          .filter(([, kind]) => kind === "token")
          .map(([column]) => `${table}.${column}`),
      );
      expect(
        documented.filter((name) => !seen.has(name)),
        "token columns without any value",
      ).toEqual([]);
    });

    it("never issues a token twice, so every personal text value is unique", () => {
      const all = rows.flatMap(({ row }) => Object.values(row).flatMap(texts).flatMap(findCanaries));
      expect(all.length).toBeGreaterThan(10_000);
      expect(new Set(all).size).toBe(all.length);
      expect("Ana cnry00a1 Silva".match(CANARY_PATTERN)).toEqual(["cnry00a1"]);
    });

    it("makes the values that cannot hold a token unique instead", () => {
      for (const [table, cols] of Object.entries(CANARY_COLUMNS)) {
        for (const [column, kind] of Object.entries(cols)) {
          if (kind !== "unique") continue;
          const values = rows
            .filter((r) => r.table === table)
            .map((r) => r.row[column])
            .filter((v) => v !== null);
          expect(values.length, `${table}.${column}`).toBeGreaterThan(0);
          expect(new Set(values).size, `${table}.${column} values repeat`).toBe(values.length);
        }
      }
    });

    it("still has no card number", () => {
      expect(cardNumberCells(rows)).toEqual([]);
    });
  });
});

describe.runIf(SERVER_URL)("PGlite and PostgreSQL", () => {
  it("get identical rows from the same options", async () => {
    const lite = await freshDatabase("pglite");
    const server = await freshDatabase("postgres");
    try {
      await seed(lite.db, { customers: 60, canaries: true });
      await seed(server.db, { customers: 60, canaries: true });
      expect(await dump(server.db)).toEqual(await dump(lite.db));
    } finally {
      await lite.close();
      await server.close();
    }
  });
});
