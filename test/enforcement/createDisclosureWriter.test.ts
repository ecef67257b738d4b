/**
 * The disclosure log's group commit, on a real database: whatever the interleaving, a write
 * resolves only when exactly its rows are stored, and rejects, with none of its rows stored, when
 * they could not be; one request's faulty record never withholds another's; and concurrent
 * requests share statements.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { eq, inArray, sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, DatabaseHandle } from "../../src/db/client.js";
import { disclosureLog, type DisclosureRow } from "../../src/db/schema/index.js";
import { createDisclosureWriter, type DisclosureWrite } from "../../src/enforcement/createDisclosureWriter.js";
import { writeDisclosures } from "../../src/enforcement/disclosureRecords.js";
import { disclosureRow } from "../helpers/disclosureRow.js";
import { queryRows } from "../helpers/queryRows.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** Field lists that records take in turn, so that writes share some field sets and not others. */
const LISTS = [["Profile.email"], ["Profile.email", "Profile.phone"], ["Account.accountNumber"], []];
const NONE: string[] = [];

/**
 * A request's records; a poisoned one holds a customer id the uuid column refuses, so its insert
 * fails. Given `lists`, the records take them in turn from `variety` on.
 */
function recordsOf(requestId: string, count: number, poisoned = false, lists = [["Profile.email"]], variety = 0): DisclosureRow[] {
  return Array.from({ length: count }, (_, i) =>
    disclosureRow({
      requestId,
      customerId: poisoned && i === count - 1 ? "not-a-uuid" : randomUUID(),
      // Shared arrays, as disclosureRecords gives alike subjects (writeDisclosures describes them
      // once), paired differently by each variety: the same `disclosed` goes with several `masked`.
      disclosed: lists[(variety + i) % lists.length]!,
      masked: lists[(2 * variety + i + 1) % lists.length]!,
      pseudonymized: NONE,
      withheld: NONE,
    }),
  );
}

/** The statements the writer issues, by the number of rows each carried. */
function countingInsert(): { insert: DisclosureWrite; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    insert: (db, rows) => {
      calls.push(rows.length);
      return writeDisclosures(db, rows);
    },
  };
}

const storedCustomers = async (requestId: string) =>
  (await database.db.select({ customerId: disclosureLog.customerId }).from(disclosureLog).where(eq(disclosureLog.requestId, requestId)))
    .map((r) => r.customerId)
    .sort();

/** A request's records as the log reads them back (through the view, which joins the field sets). */
const storedRecords = async (requestId: string) =>
  (await database.db.select().from(disclosureLog).where(eq(disclosureLog.requestId, requestId)))
    .map((r) => JSON.stringify([r.customerId, r.disclosed, r.masked]))
    .sort();
const sentRecords = (records: DisclosureRow[]) => records.map((r) => JSON.stringify([r.customerId, r.disclosed, r.masked])).sort();

/** Events whose field set is not stored (the log has no foreign key: the writer is what keeps this at zero). */
const orphanEvents = async () =>
  (
    await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from disclosure_events e
  where not exists (select 1 from disclosure_field_sets s where s.id = e.field_set_id)`,
    )
  )[0]!.n;

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("createDisclosureWriter", () => {
  it("stores exactly the rows of every write that resolves and none of one that rejects, however writes interleave", async () => {
    const request = fc.record({
      rows: fc.integer({ min: 1, max: 4 }),
      poisoned: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      delayMs: fc.constantFrom(0, 0, 0, 1, 2, 5),
      variety: fc.integer({ min: 0, max: LISTS.length - 1 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 12 }), async (requests, maxRows) => {
        const write = createDisclosureWriter({ maxRows });
        // Lists new to the log in every run, so that no field set is already stored from an earlier one.
        const nonce = `Run.n${randomUUID().slice(0, 8)}`;
        const lists = LISTS.map((l) => [...l, nonce]);
        const sent = requests.map((r) => ({ ...r, requestId: randomUUID(), records: [] as DisclosureRow[] }));
        const outcomes = await Promise.allSettled(
          sent.map(async (r) => {
            if (r.delayMs > 0) await tick(r.delayMs);
            r.records = recordsOf(r.requestId, r.rows, r.poisoned, lists, r.variety);
            await write(database.db, r.records);
          }),
        );
        for (const [i, r] of sent.entries()) {
          expect(outcomes[i]!.status).toBe(r.poisoned ? "rejected" : "fulfilled");
          expect(await storedRecords(r.requestId)).toEqual(r.poisoned ? [] : sentRecords(r.records));
        }
        expect(await orphanEvents()).toBe(0);
      }),
      { seed: 20261204, numRuns: 40 },
    );
  });

  it("writes the records of requests that arrive during a write together, in one statement", async () => {
    const { insert, calls } = countingInsert();
    const write = createDisclosureWriter({ insert });
    const ids = Array.from({ length: 10 }, () => randomUUID());
    await Promise.all(ids.map((id) => write(database.db, recordsOf(id, 2))));
    // The first goes at once; the nine that came while it was in flight share the next statement.
    expect(calls).toEqual([2, 18]);
    const stored = await database.db
      .select({ requestId: disclosureLog.requestId })
      .from(disclosureLog)
      .where(inArray(disclosureLog.requestId, ids));
    expect(stored).toHaveLength(20);
  });

  it("splits a failed batch so that only the faulty request is refused", async () => {
    const { insert, calls } = countingInsert();
    const write = createDisclosureWriter({ insert });
    const [first, good, bad, last] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const outcomes = await Promise.allSettled([
      write(database.db, recordsOf(first, 1)),
      write(database.db, recordsOf(good, 2)),
      write(database.db, recordsOf(bad, 2, true)),
      write(database.db, recordsOf(last, 3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(calls).toEqual([1, 7, 2, 2, 3]);
    expect(await storedCustomers(bad)).toEqual([]);
    expect(await storedCustomers(last)).toHaveLength(3);
  });

  it("keeps a batch within maxRows, never splitting one request's rows", async () => {
    const { insert, calls } = countingInsert();
    const write = createDisclosureWriter({ insert, maxRows: 5 });
    await Promise.all([1, 3, 2, 4, 7, 1].map((n) => write(database.db, recordsOf(randomUUID(), n))));
    expect(calls).toEqual([1, 5, 4, 7, 1]);
  });

  it("goes on after a statement that throws instead of rejecting", async () => {
    let calls = 0;
    const write = createDisclosureWriter({
      insert: (db: Database, rows) => {
        if (calls++ === 0) throw new Error("thrown synchronously");
        return writeDisclosures(db, rows);
      },
    });
    const [a, b] = [randomUUID(), randomUUID()];
    await expect(write(database.db, recordsOf(a, 1))).rejects.toThrow("thrown synchronously");
    await write(database.db, recordsOf(b, 2));
    expect(await storedCustomers(b)).toHaveLength(2);
  });
});

describe("writeDisclosures with the field sets a writer knows are stored", () => {
  /** The real database, the text of each statement noted (never a mock: every statement runs). */
  function observed(): { db: Database; texts: string[] } {
    const texts: string[] = [];
    const dialect = new PgDialect();
    const db = new Proxy(database.db, {
      get: (target, key) =>
        key === "execute" ? (query: SQL) => (texts.push(dialect.sqlToQuery(query).sql), target.execute(query)) : Reflect.get(target, key),
    });
    return { db, texts };
  }
  const nonceLists = () => [[`Run.n${randomUUID().slice(0, 8)}`]];
  const insertsSets = (text: string) => text.includes('insert into "disclosure_field_sets"');

  it("sends a set's lists once: later records with the same lists send its id alone, and still read back whole", async () => {
    const { db, texts } = observed();
    const write = createDisclosureWriter();
    const lists = nonceLists();
    const [first, second] = [randomUUID(), randomUUID()];
    const [firstRecords, secondRecords] = [recordsOf(first, 3, false, lists), recordsOf(second, 3, false, lists)];
    await write(db, firstRecords);
    await write(db, secondRecords);
    expect(texts.map(insertsSets)).toEqual([true, false]);
    expect(await storedRecords(first)).toEqual(sentRecords(firstRecords));
    expect(await storedRecords(second)).toEqual(sentRecords(secondRecords));
    expect(await orphanEvents()).toBe(0);
  });

  it("writes a known set again when it is gone (a database truncated or restored under a running gateway)", async () => {
    const { db, texts } = observed();
    const write = createDisclosureWriter();
    const lists = nonceLists();
    await write(db, recordsOf(randomUUID(), 2, false, lists));
    await database.db.execute(
      sql`delete from disclosure_field_sets where ${lists[0]![0]!} = any(disclosed) or ${lists[0]![0]!} = any(masked)`,
    );
    const later = randomUUID();
    const laterRecords = recordsOf(later, 2, false, lists);
    await write(db, laterRecords);
    expect(texts.map(insertsSets)).toEqual([true, false, true]); // the count found the sets gone, and wrote them
    expect(await storedRecords(later)).toEqual(sentRecords(laterRecords));
    expect(await orphanEvents()).toBe(0);
  });
});
