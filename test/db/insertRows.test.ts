/**
 * insertRows writes every value as given: generated rows with hostile text (quotes, backslashes,
 * braces, commas, the word NULL, empty strings, any Unicode) in scalar and array columns, nulls,
 * and timestamps, read back equal, row for row. Nothing lost, nothing altered.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { asc, eq, sql } from "drizzle-orm";
import { pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { insertRows, insertRowsStatement } from "../../src/db/insertRows.js";
import { disclosureRow } from "../helpers/disclosureRow.js";
import { queryRows } from "../helpers/queryRows.js";
import { disclosureLists, disclosureParties } from "../../src/db/schema/index.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

/**
 * A table of every kind of column insertRows maps: text, uuid (nullable), text arrays, a
 * timestamp. The disclosure log's columns as one table (the log itself is a view over two).
 */
const sample = pgTable("insert_rows_sample", {
  id: uuid("id").primaryKey().defaultRandom(),
  ...disclosureParties(),
  ...disclosureLists(),
  recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
});
type SampleRow = Omit<typeof sample.$inferSelect, "id">;

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(sql`create table insert_rows_sample (id uuid primary key default gen_random_uuid(), request_id text not null,
    customer_id uuid not null, caller_kind text not null, caller_id text not null, role text not null, purpose text not null,
    subject_request_id uuid, policy_version text not null, disclosed text[] not null, masked text[] not null, pseudonymized text[] not null,
    withheld text[] not null, recorded_at timestamptz not null default now())`);
});
afterAll(async () => {
  await database?.close();
});

const hostile = fc
  .oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }),
    // Text that may go bare (unquoted) into an array literal.
    fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/),
    fc.constantFrom(
      "",
      "NULL",
      "null",
      '"',
      "\\",
      "{",
      "}",
      ",",
      "{a,b}",
      '"\\"',
      " padded ",
      "a\nb",
      "Profile.email",
      "NuLl",
      "NULLs",
      "null.x",
      "a b",
      "a.b\\",
      "Profile.email,x",
    ),
  )
  .filter((s) => !s.includes("\u0000")); // PostgreSQL text cannot hold NUL

const rowArb = fc.record({
  customerId: fc.uuid({ version: 4 }),
  callerKind: hostile,
  callerId: hostile,
  role: hostile,
  purpose: hostile,
  policyVersion: hostile,
  subjectRequestId: fc.option(fc.uuid({ version: 4 }), { nil: null }),
  disclosed: fc.array(hostile, { maxLength: 4 }),
  masked: fc.array(hostile, { maxLength: 4 }),
  pseudonymized: fc.array(hostile, { maxLength: 2 }),
  withheld: fc.array(hostile, { maxLength: 2 }),
  recordedAt: fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
});

const COLUMNS = [
  "requestId",
  "customerId",
  "callerKind",
  "callerId",
  "role",
  "purpose",
  "subjectRequestId",
  "policyVersion",
  "disclosed",
  "masked",
  "pseudonymized",
  "withheld",
  "recordedAt",
] as const;

/** Writes the rows under a fresh request id and expects to read back exactly them. */
async function roundTrip(generated: Omit<SampleRow, "requestId">[]) {
  const requestId = randomUUID();
  const rows: SampleRow[] = generated.map((r) => ({ ...r, requestId }));
  await insertRows(database.db, sample, rows, COLUMNS);
  const back = await database.db.select().from(sample).where(eq(sample.requestId, requestId)).orderBy(asc(sample.recordedAt));
  expect(back).toHaveLength(rows.length);
  const key = (r: SampleRow) => JSON.stringify(COLUMNS.map((c) => r[c]));
  expect(back.map(key).sort()).toEqual(rows.map(key).sort());
}

describe("insertRows", () => {
  it("reads back exactly what it wrote, for generated rows with hostile text", async () => {
    await fc.assert(fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 20 }), roundTrip), { seed: 20261125, numRuns: 60 });
  });

  // Columns whose values repeat travel as distinct values plus indexes: rows drawn from a small
  // pool, so that every column repeats (nulls and hostile text included) or does not, in any mix.
  it("reads back exactly what it wrote when values repeat across rows", async () => {
    const repeating = fc
      .array(rowArb, { minLength: 1, maxLength: 3 })
      .chain((pool) => fc.array(fc.tuple(fc.constantFrom(...pool), fc.constantFrom(...pool)), { minLength: 2, maxLength: 30 }))
      .map((pairs) => pairs.map(([a, b]) => ({ ...a, disclosed: b.disclosed, purpose: b.purpose, subjectRequestId: b.subjectRequestId })));
    await fc.assert(fc.asyncProperty(repeating, roundTrip), { seed: 20261126, numRuns: 60 });
  });

  // A column with one value for every row travels as a scalar; when every column does, one of
  // them must still carry the number of rows.
  it("writes every row when all rows are alike, nulls included, and a single row alone", async () => {
    const alike = {
      customerId: randomUUID(),
      callerKind: "staff",
      callerId: "s",
      role: "r",
      purpose: "p",
      subjectRequestId: null,
      policyVersion: "v",
      disclosed: ["Profile.email"],
      masked: [],
      pseudonymized: [],
      withheld: [],
      recordedAt: new Date(),
    };
    await roundTrip(Array.from({ length: 7 }, () => ({ ...alike })));
    await roundTrip([{ ...alike }]);
    await roundTrip([{ ...alike }, { ...alike, subjectRequestId: randomUUID() }]);
  });

  it("types each parameter as its column, so that PostgreSQL reads a value once, at bind, not once per row", async () => {
    // A scalar (one request id), distinct values with an index per row (two roles over four
    // rows), and unnested values (four customers); uuid, text, text[] and timestamptz columns.
    const requestId = randomUUID();
    const rows: SampleRow[] = ["a", "b", "a", "b"].map((role) =>
      disclosureRow({ requestId, role, callerId: "s", purpose: "p", policyVersion: "v" }),
    );
    const plan = JSON.stringify(
      await queryRows(database.db, sql`explain (verbose, format json) ${insertRowsStatement(sample, rows, COLUMNS)}`),
    );
    expect(plan).toMatch(/'\{[^']*\}'::uuid\[\]/); // the customers: a uuid[] constant
    // Cast from text, a value is a stable function call per row (a page of 300 records took about
    // 8 times as long as one of 100, measured: bench/RESULTS.md).
    expect(plan).not.toMatch(/::text\)::/);
    await insertRows(database.db, sample, rows, COLUMNS);
    expect(await database.db.select().from(sample).where(eq(sample.requestId, requestId))).toHaveLength(4);
  });

  it("refuses a row that lacks a column it was told to write, and writes nothing", async () => {
    const requestId = randomUUID();
    const good: SampleRow = {
      requestId,
      customerId: randomUUID(),
      callerKind: "staff",
      callerId: "s",
      role: "r",
      purpose: "p",
      policyVersion: "v",
      subjectRequestId: null,
      disclosed: [],
      masked: [],
      pseudonymized: [],
      withheld: [],
      recordedAt: new Date(),
    };
    const { role: _dropped, ...bad } = good;
    await expect(insertRows(database.db, sample, [good, bad as SampleRow], COLUMNS)).rejects.toThrow(/role missing/);
    expect(await database.db.select().from(sample).where(eq(sample.requestId, requestId))).toHaveLength(0);
  });
});
