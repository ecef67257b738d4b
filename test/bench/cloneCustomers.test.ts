/** The benchmarks' bulk growth: copies of seeded customers, every row of theirs, the seed's shapes kept. */
import { getTableName, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneCustomers } from "../../bench/cloneCustomers.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { rowCounts, SEED_TABLES, seed } from "../../src/db/seed/seed.js";
import { queryRows } from "../helpers/queryRows.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

const SEEDED = 40;
const TARGET = 130; // two whole copies and the first 10 seeded customers once more

/** Seeded tables with a subject's rows. */
const SUBJECT_TABLES = ["customers", "profiles", "credentials", "accounts", "payment_methods", "purchases", "preferences"];
const MORE_SUBJECT_TABLES = ["consent_events", "subject_requests", "submitted_messages", "partner_links", "visits"];

let database: DatabaseHandle;
let before: Record<string, number>;
let firstTen: Record<string, number>;
let indexesBefore: string[];
let statesBefore: Record<string, number>;
let statesFirstTen: Record<string, number>;

const statusCounts = async (where = sql`true`) =>
  Object.fromEntries(
    (
      await queryRows<{ status: string; n: number }>(
        database.db,
        sql`select status::text as status, count(*)::int as n from customers where ${where} group by status`,
      )
    ).map((r) => [r.status, r.n]),
  );

const indexes = async () =>
  (
    await queryRows<{ definition: string }>(
      database.db,
      sql`select indexdef as definition from pg_indexes where schemaname = 'public' order by indexname`,
    )
  ).map((r) => r.definition);

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, { customers: SEEDED, seed: 7 });
  before = await rowCounts(database.db);
  firstTen = {};
  for (const table of [...SUBJECT_TABLES, ...MORE_SUBJECT_TABLES]) {
    const key = table === "customers" ? "id" : "customer_id";
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql.raw(`select count(*)::int as n from ${table} where ${key} in (select id from customers order by id limit 10)`),
    );
    firstTen[table] = row!.n;
  }
  indexesBefore = await indexes();
  statesBefore = await statusCounts();
  statesFirstTen = await statusCounts(sql`id in (select id from customers order by id limit 10)`);
});

afterAll(async () => {
  await database?.close();
});

describe("cloneCustomers", () => {
  it("adds copies up to the count asked for, with every row of each copied customer in every subject table", async () => {
    expect(await cloneCustomers(database, TARGET)).toEqual({ added: TARGET - SEEDED });
    const after = await rowCounts(database.db);
    for (const table of [...SUBJECT_TABLES, ...MORE_SUBJECT_TABLES]) {
      expect(after[table as keyof typeof after], table).toBe(3 * before[table]! + firstTen[table]!);
    }
    // Nothing else is copied: partners, their grants and keys, the disclosure log.
    for (const table of SEED_TABLES.map((t) => getTableName(t)).filter((t) => ![...SUBJECT_TABLES, ...MORE_SUBJECT_TABLES].includes(t))) {
      expect(after[table as keyof typeof after], table).toBe(before[table]);
    }
  });

  it("keeps the seed's states in proportion, emails and usernames distinct, and the indexes as they were", async () => {
    expect(await statusCounts()).toEqual(
      Object.fromEntries(Object.entries(statesBefore).map(([status, n]) => [status, 3 * n + (statesFirstTen[status] ?? 0)])),
    );
    const [distinct] = await queryRows<{ emails: number; all: number; usernames: number; named: number }>(
      database.db,
      sql`select count(distinct lower(email))::int as emails, count(email)::int as all,
                 count(distinct username)::int as usernames, count(username)::int as named from profiles`,
    );
    expect(distinct!.emails).toBe(distinct!.all);
    expect(distinct!.usernames).toBe(distinct!.named);
    expect(await indexes()).toEqual(indexesBefore);
  });

  it("adds nothing when asked for a count at or below the current one", async () => {
    expect(await cloneCustomers(database, TARGET)).toEqual({ added: 0 });
    expect(await cloneCustomers(database, SEEDED)).toEqual({ added: 0 });
  });
});
