/**
 * anyOf(column, values) matches exactly the rows whose column is one of the values (hostile text,
 * duplicates, unknown values and the empty list included), and its statement text does not depend
 * on how many values there are, so that a prepared statement serves every batch.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anyOf } from "../../src/db/anyOf.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { customers } from "../../src/db/schema/index.js";
import { queryRows } from "../helpers/queryRows.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

const sample = pgTable("any_of_sample", { id: uuid("id").primaryKey(), label: text("label").notNull() });

const hostile = fc
  .oneof(
    fc.string({ unit: "grapheme", maxLength: 10 }),
    fc.constantFrom("", "NULL", "null", '"', "\\", "{", "}", ",", "{a,b}", " padded ", "a\nb", "a b", "Profile.email"),
  )
  .filter((s) => !s.includes("\u0000")); // PostgreSQL text cannot hold NUL

let database: DatabaseHandle;
const stored: { id: string; label: string }[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(sql`create table any_of_sample (id uuid primary key, label text not null)`);
  const labels = fc.sample(hostile, { seed: 20261205, numRuns: 60 });
  for (const label of labels) stored.push({ id: randomUUID(), label });
  await database.db.insert(sample).values(stored);
});
afterAll(async () => {
  await database?.close();
});

/** Some stored values, some values nobody holds, in any order, repeated or not. */
const listOf = <T>(known: () => T[], unknown: fc.Arbitrary<T>) =>
  fc.array(fc.oneof(fc.constantFrom(...known()), unknown), { maxLength: 30 });

describe("anyOf", () => {
  it("matches exactly the rows whose uuid column is in the list", async () => {
    await fc.assert(
      fc.asyncProperty(
        listOf(() => stored.map((r) => r.id), fc.uuid({ version: 4 })),
        async (ids) => {
          const rows = await database.db.select({ id: sample.id }).from(sample).where(anyOf(sample.id, ids));
          expect(rows.map((r) => r.id).sort()).toEqual(
            stored
              .filter((r) => ids.includes(r.id))
              .map((r) => r.id)
              .sort(),
          );
        },
      ),
      { seed: 20261205, numRuns: 40 },
    );
  });

  it("matches exactly the rows whose text column is in the list, for hostile text", async () => {
    await fc.assert(
      fc.asyncProperty(
        listOf(() => stored.map((r) => r.label), hostile),
        async (labels) => {
          const rows = await database.db.select({ id: sample.id }).from(sample).where(anyOf(sample.label, labels));
          expect(rows.map((r) => r.id).sort()).toEqual(
            stored
              .filter((r) => labels.includes(r.label))
              .map((r) => r.id)
              .sort(),
          );
        },
      ),
      { seed: 20261206, numRuns: 40 },
    );
  });

  it("matches nothing for an empty list", async () => {
    expect(await database.db.select().from(sample).where(anyOf(sample.id, []))).toEqual([]);
  });

  it("writes the same statement text, with one parameter, whatever the list's length", () => {
    const query = (n: number) =>
      database.db
        .select()
        .from(customers)
        .where(
          anyOf(
            customers.id,
            Array.from({ length: n }, () => randomUUID()),
          ),
        )
        .toSQL();
    const texts = new Set([0, 1, 2, 50, 1000].map((n) => query(n).sql));
    expect(texts.size).toBe(1);
    expect(query(50).params).toHaveLength(1);
    expect([...texts][0]).toMatch(/= any\(\$1::uuid\[\]\)/);
  });

  // Read from text on every row instead (a cast from text is not folded into a constant), the
  // list cost a sequential scan a hundred milliseconds for a page of payment methods.
  it("hands PostgreSQL the list as a constant of the column's array type, not text to convert per row", async () => {
    const query = database.db
      .select()
      .from(sample)
      .where(
        anyOf(
          sample.id,
          stored.slice(0, 3).map((r) => r.id),
        ),
      );
    const plan = JSON.stringify(await queryRows(database.db, sql`explain (format json) ${query}`));
    expect(plan).toMatch(/ANY \('\{[^']*\}'::uuid\[\]\)/);
    expect(plan).not.toMatch(/::text\)::uuid\[\]/);
  });
});
