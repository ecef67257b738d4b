/**
 * A customer's nested rows read folded into the statement that reads the customers (childRows'
 * `fold`: its `json`, decoded by `fromJson`) are the very objects the loaders' own statement
 * gives (`byCustomer`): same keys, same values, same JavaScript types (Dates, nulls, arrays,
 * numbers), same order; folded with only some columns, the same objects on those columns. Checked for every child of every seeded customer, and for generated profiles whose
 * values are chosen to break an encoding (quotes, backslashes, control characters, array elements
 * that spell NULL or hold commas and braces, NaN and infinite floats, -0, fractional-second times).
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { insertRows } from "../../src/db/insertRows.js";
import { customers, profiles } from "../../src/db/schema/index.js";
import { seed } from "../../src/db/seed/index.js";
import {
  CHILDREN_KEY,
  CUSTOMER_CHILDREN,
  customerChildrenFold,
  type ChildSelection,
  type CustomerChild,
} from "../../src/graphql/customer/customerChildren.js";
import { createLoaders } from "../../src/graphql/loaders.js";
import { customersById } from "../../src/graphql/customer/customerQueries.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, { customers: 40, visitsPerCustomer: 2 });
});
afterAll(async () => {
  await database?.close();
});

const ALL = Object.keys(CUSTOMER_CHILDREN) as CustomerChild[];
/** Every column of the children named. */
const whole = (children: CustomerChild[]): ChildSelection => new Map(children.map((name) => [name, undefined]));

/** Each child's rows of these customers, folded (one statement) and on their own (one statement per child). */
async function bothWays(ids: string[], selection: ChildSelection = whole(ALL)) {
  const fold = customerChildrenFold(selection)!;
  const rows = await customersById(database.db, ids, fold.column);
  const folded = new Map(rows.map((row) => [row.id, fold.childrenOf(row)]));
  const alone = new Map<CustomerChild, unknown[]>();
  for (const name of ALL) alone.set(name, await CUSTOMER_CHILDREN[name].byCustomer(database.db, ids));
  return { folded, alone };
}

function expectSame(ids: string[], { folded, alone }: Awaited<ReturnType<typeof bothWays>>) {
  for (const id of ids) {
    const children = folded.get(id);
    expect(children, id).toBeDefined();
    for (const name of ALL) {
      const own = (alone.get(name) as { customerId: string }[]).filter((r) => r.customerId === id);
      expect(children![name], `${name} of ${id}`).toStrictEqual(own);
    }
  }
}

describe("a customer's children folded into the customers' statement", () => {
  it("are the rows the loaders' own statements give, for every child of every seeded customer", async () => {
    const ids = (await database.db.select({ id: customers.id }).from(customers)).map((r) => r.id);
    const both = await bothWays(ids);
    expectSame(ids, both);
    // The seed gives the comparison something to compare: lists of several rows, and absent ones.
    for (const name of ALL) expect((both.alone.get(name) ?? []).length, name).toBeGreaterThan(ids.length / 4);
    expect([...both.folded.values()].some((c) => (c.accounts?.length ?? 0) > 1)).toBe(true);
  });

  it("come with no customer's children but the customer's own, and only the children asked for", async () => {
    const ids = (await database.db.select({ id: customers.id }).from(customers).limit(5)).map((r) => r.id);
    const fold = customerChildrenFold(whole(["accounts", "profile"]))!;
    const rows = await customersById(database.db, ids, fold.column);
    for (const row of rows) {
      const children = fold.childrenOf(row);
      expect(Object.keys(children).sort()).toEqual(["accounts", "profile"]);
      for (const account of children.accounts as { customerId: string }[]) expect(account.customerId).toBe(row.id);
      expect((children.profile as { customerId: string }[])[0]?.customerId ?? row.id).toBe(row.id);
    }
    expect(customerChildrenFold(new Map())).toBeUndefined();
  });

  it("reach the child loaders, which then answer without a statement; the customer row keeps no copy", async () => {
    const loaders = createLoaders(database.db);
    const [first] = await database.db.select({ id: customers.id }).from(customers).limit(1);
    const id = first!.id;
    loaders.wantChildren(whole(["profile", "accounts"]));
    const row = await loaders.customer.load(id);
    expect(row).not.toBeNull();
    expect((row as Record<string, unknown>)[CHILDREN_KEY]).toBeUndefined();
    const before = database.statements;
    const [profile, accounts] = await Promise.all([loaders.profile.load(id), loaders.accounts.load(id)]);
    expect(database.statements).toBe(before);
    expect(profile).toStrictEqual((await CUSTOMER_CHILDREN.profile.byCustomer(database.db, [id]))[0] ?? null);
    expect(accounts).toStrictEqual(await CUSTOMER_CHILDREN.accounts.byCustomer(database.db, [id]));
    // Asked for one batch: the next batch (another customer) brings none.
    const [, second] = await database.db.select({ id: customers.id }).from(customers).limit(2);
    await loaders.customer.load(second!.id);
    const counted = database.statements;
    await loaders.profile.load(second!.id);
    expect(database.statements).toBe(counted + 1);
  });

  it("read with some columns only, are the loaders' rows on those columns and the customer's id", async () => {
    const ids = (await database.db.select({ id: customers.id }).from(customers)).map((r) => r.id);
    const alone = new Map<CustomerChild, Record<string, unknown>[]>();
    for (const name of ALL) alone.set(name, (await CUSTOMER_CHILDREN[name].byCustomer(database.db, ids)) as Record<string, unknown>[]);
    const subsets = fc.record(
      Object.fromEntries(ALL.map((name) => [name, fc.subarray([...CUSTOMER_CHILDREN[name].keys])])) as Record<
        CustomerChild,
        fc.Arbitrary<string[]>
      >,
    );
    await fc.assert(
      fc.asyncProperty(subsets, async (chosen) => {
        const fold = customerChildrenFold(new Map(ALL.map((name) => [name, chosen[name]])))!;
        const rows = await customersById(database.db, ids, fold.column);
        for (const row of rows) {
          const children = fold.childrenOf(row);
          for (const name of ALL) {
            const keys = new Set([...chosen[name], "customerId"]);
            const own = alone
              .get(name)!
              .filter((r) => r.customerId === row.id)
              .map((r) => Object.fromEntries(Object.entries(r).filter(([key]) => keys.has(key))));
            expect(children[name], `${name} of ${row.id} on ${[...keys].join()}`).toStrictEqual(own);
          }
        }
      }),
      { seed: 20261205, numRuns: 25 },
    );
  });

  it("read, for children asked with different columns before one batch, the union of the columns", async () => {
    const loaders = createLoaders(database.db);
    const [first] = await database.db.select({ id: customers.id }).from(customers).limit(1);
    loaders.wantChildren(new Map([["profile", ["email"]]]));
    loaders.wantChildren(
      new Map([
        ["profile", ["fullName"]],
        ["accounts", undefined],
      ]),
    );
    await loaders.customer.load(first!.id);
    const profile = (await loaders.profile.load(first!.id)) as Record<string, unknown> | null;
    const [whole] = (await CUSTOMER_CHILDREN.profile.byCustomer(database.db, [first!.id])) as Record<string, unknown>[];
    expect(profile).toStrictEqual({ customerId: whole!.customerId, fullName: whole!.fullName, email: whole!.email });
    expect(await loaders.accounts.load(first!.id)).toStrictEqual(await CUSTOMER_CHILDREN.accounts.byCustomer(database.db, [first!.id]));
  });

  it("decode generated profiles exactly as the driver does", async () => {
    const text = fc.option(
      fc.string({ unit: "binary", maxLength: 12 }).map((s) => s.replace(/\u0000/g, "")),
      { nil: null },
    );
    const float = fc.option(fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e308, 5e-324)), { nil: null });
    const time = fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true });
    const profile = fc.record({
      fullName: text,
      email: text,
      addressLine1: text,
      city: text,
      // Elements are never NULL: postgres.js reads a NULL element as the string "NULL" (PGlite and
      // the JSON read null), and the column's type (string[]) has no null elements to begin with.
      socialLikes: fc.option(
        fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("NULL", "a,b", "{x}", '"q"')), { maxLength: 4 }),
        { nil: null },
      ),
      locationLatitude: float,
      locationLongitude: float,
      locationRecordedAt: fc.option(time, { nil: null }),
      updatedAt: time,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(profile, { nil: null }), { minLength: 1, maxLength: 4 }), async (drawn) => {
        const ids = drawn.map(() => randomUUID());
        await insertRows(
          database.db,
          customers,
          ids.map((id) => ({ id, status: "active" as const, residency: "EU", createdAt: new Date(), erasedAt: null })),
        );
        for (const [i, p] of drawn.entries()) if (p) await database.db.insert(profiles).values({ customerId: ids[i]!, ...p });
        const both = await bothWays(ids);
        expectSame(ids, both);
        for (const [i, p] of drawn.entries()) {
          const [stored] = await database.db.select().from(profiles).where(eq(profiles.customerId, ids[i]!));
          expect(stored === undefined).toBe(p === null); // the property compared something real
        }
      }),
      { seed: 20261205, numRuns: 60 },
    );
  });
});
