/**
 * Grows a seeded database to `customers` customers in SQL, for benchmarks at sizes `seed()` takes
 * too long for (it writes a few hundred customers a second; a million would take most of an hour).
 *
 * Each new customer is a copy of a seeded one (copy k of the i-th seeded customer by id, until the
 * count is reached), with every row of theirs in every table that holds a subject's data: so the
 * copies have the seed's shapes, states and proportions (erased tombstones, restrictions, open
 * requests, opt-outs, partner links, visits) and satisfy the same constraints. Ids are new and
 * deterministic (`md5` of the copy number and the original id, as random as the seed's); emails and
 * usernames get the copy number so that they stay distinct; timestamps are the originals'.
 *
 * One transaction. The copied tables' secondary indexes are dropped before the copy and built again
 * from their own definitions after it (one sort each instead of millions of random inserts); keys
 * and foreign keys stay and are checked row by row.
 */
import { getTableName, sql } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/pg-core";
import type { DatabaseHandle } from "../src/db/client.js";
import { arrayLiteral } from "../src/db/arrayLiteral.js";
import { rowsOf } from "../src/db/rowsOf.js";
import * as schema from "../src/db/schema/index.js";
import { SEED_TABLES } from "../src/db/seed/seed.js";

/** Columns given the copy number, so that a copy's value differs from its original's. */
const DISTINCT_COLUMNS: Record<string, (value: string) => string> = {
  email: (v) => `m.copy || '.' || ${v}`,
  username: (v) => `${v} || '.' || m.copy`,
};

/** Seeded tables holding a subject's rows (`customer_id`), parents first; the customers first of all. */
const SUBJECT_TABLES = SEED_TABLES.filter(
  (t) => t === schema.customers || getTableConfig(t).columns.some((c) => c.name === "customer_id"),
).filter((t) => t !== schema.disclosureEvents);

export async function cloneCustomers(database: DatabaseHandle, customers: number): Promise<{ added: number }> {
  return database.db.transaction(async (tx) => {
    const [{ n: seeded } = { n: 0 }] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from customers`));
    const added = customers - seeded;
    if (added <= 0) return { added: 0 };
    if (seeded === 0) throw new Error("no customers to copy: seed first");
    await tx.execute(sql`
      create temporary table bench_clones on commit drop as
      select b.id as base_id, md5('bench-clone/' || g.copy || '/' || b.id)::uuid as id, g.copy
      from (select id, row_number() over (order by id) as n from customers) b
      cross join generate_series(1, ${Math.ceil(added / seeded)}) g(copy)
      where (g.copy - 1) * ${seeded} + b.n <= ${added}`);
    await tx.execute(sql`create index on bench_clones (base_id)`);
    await tx.execute(sql`analyze bench_clones`);

    const names = SUBJECT_TABLES.map((t) => getTableName(t));
    const indexes = rowsOf<{ name: string; definition: string }>(
      await tx.execute(sql`
        select i.indexname as name, i.indexdef as definition from pg_indexes i
        where i.schemaname = 'public' and i.tablename = any(${arrayLiteral(names)}::text[])
          and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`),
    );
    for (const index of indexes) await tx.execute(sql`drop index ${sql.identifier(index.name)}`);

    for (const table of SUBJECT_TABLES) {
      const name = getTableName(table);
      const key = table === schema.customers ? "id" : "customer_id";
      const columns = getTableConfig(table).columns.map((c) => c.name);
      const values = columns.map((c) => {
        const value = `t.${c}`;
        if (c === key) return "m.id";
        if (c === "id") return `md5(m.copy || '/' || t.id)::uuid`;
        const distinct = DISTINCT_COLUMNS[c];
        return distinct ? `case when ${value} is null then null else ${distinct(value)} end` : value;
      });
      await tx.execute(
        sql.raw(
          `insert into ${name} (${columns.join(", ")}) select ${values.join(", ")} from ${name} t join bench_clones m on m.base_id = t.${key}`,
        ),
      );
    }
    for (const index of indexes) await tx.execute(sql.raw(index.definition));
    return { added };
  });
}
