/**
 * visitsByCustomer returns, for each customer asked for, exactly its `first` latest visits,
 * newest first, ties on the time broken by id (descending), and nothing of anyone else: checked
 * against the same order computed here over every stored visit, for generated histories with
 * many equal timestamps, customers with no visits, and ids that do not exist.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { insertRows } from "../../src/db/insertRows.js";
import { customers, visits } from "../../src/db/schema/index.js";
import { visitsByCustomer } from "../../src/graphql/visit/visitQueries.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const BASE = Date.parse("2026-01-01T00:00:00Z");

describe("visitsByCustomer", () => {
  it("gives each customer its latest `first` visits, newest first, ties by id", async () => {
    // Per customer: visit times drawn from a handful of instants, so that ties are common.
    const histories = fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 8 }), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(histories, fc.integer({ min: 1, max: 6 }), fc.boolean(), async (history, first, askUnknown) => {
        const ids = history.map(() => randomUUID());
        await insertRows(
          database.db,
          customers,
          ids.map((id) => ({ id, status: "active" as const, residency: "EU", createdAt: new Date(BASE), erasedAt: null })),
        );
        const stored = history.flatMap((times, i) =>
          times.map((t) => ({
            id: randomUUID(),
            customerId: ids[i]!,
            ipAddress: null,
            userAgent: null,
            device: null,
            operatingSystem: null,
            language: null,
            referrer: null,
            page: null,
            visitedAt: new Date(BASE + t * 60_000),
          })),
        );
        if (stored.length > 0) await insertRows(database.db, visits, stored);

        const asked = askUnknown ? [...ids, randomUUID()] : ids;
        const got = await visitsByCustomer(database.db, asked, first);

        const newestFirst = (a: { id: string; visitedAt: Date }, b: { id: string; visitedAt: Date }) =>
          b.visitedAt.getTime() - a.visitedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
        const expected = ids.flatMap((id) =>
          stored
            .filter((v) => v.customerId === id)
            .sort(newestFirst)
            .slice(0, first),
        );
        expect(got.map((v) => v.id).sort()).toEqual(expected.map((v) => v.id).sort());
        // Newest first across the answer, as the loader groups it per customer in this order.
        expect(got.map((v) => v.id)).toEqual([...got].sort(newestFirst).map((v) => v.id));
      }),
      { seed: 20261125, numRuns: 40 },
    );
  });
});
