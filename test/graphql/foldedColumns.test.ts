/**
 * A folded read fetches, for each field that an operation selects on a customer's nested rows,
 * the columns `columnsFor` names (and the customer's id); the other columns stay in PostgreSQL.
 * Those columns must be enough for the field's resolver: for every field of every folded child's
 * type, and every seeded row, the field resolves to the same value from the row cut down to its
 * columns as from the whole row. A field whose resolver reads a column it is not mapped to fails
 * here, rather than answer null in production.
 */
import { defaultFieldResolver, getNamedType, type GraphQLObjectType, type GraphQLResolveInfo } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { customers } from "../../src/db/schema/index.js";
import { seed } from "../../src/db/seed/index.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { columnsFor, CUSTOMER_CHILDREN, type CustomerChild } from "../../src/graphql/customer/customerChildren.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, { customers: 40, visitsPerCustomer: 1 });
});
afterAll(async () => {
  await database?.close();
});

const schema = await buildGatewaySchema();
const customer = schema.getType("Customer") as GraphQLObjectType;

describe("the columns a folded read fetches for a field", () => {
  for (const child of Object.keys(CUSTOMER_CHILDREN) as CustomerChild[]) {
    const type = getNamedType(customer.getFields()[child]!.type) as GraphQLObjectType;
    it(`are enough for every field of ${type.name} (Customer.${child})`, async () => {
      const ids = (await database.db.select({ id: customers.id }).from(customers)).map((r) => r.id);
      const rows = (await CUSTOMER_CHILDREN[child].byCustomer(database.db, ids)) as Record<string, unknown>[];
      expect(rows.length, "seeded rows to compare").toBeGreaterThan(5);
      for (const [name, field] of Object.entries(type.getFields())) {
        const columns = columnsFor(child, new Set([name]));
        expect(columns, `${type.name}.${name}: its columns are known, so that selecting it does not read them all`).toBeDefined();
        const kept = new Set([...columns!, "customerId"]);
        const resolve = field.resolve ?? defaultFieldResolver;
        const info = { fieldName: name, fieldNodes: [], returnType: field.type, parentType: type, schema } as unknown as GraphQLResolveInfo;
        for (const row of rows) {
          const cut = Object.fromEntries(Object.entries(row).filter(([key]) => kept.has(key)));
          const whole = await resolve(row, {}, {}, info);
          expect(JSON.stringify(await resolve(cut, {}, {}, info)) ?? "undefined", `${type.name}.${name}`).toBe(
            JSON.stringify(whole) ?? "undefined",
          );
        }
      }
    });
  }

  it("are every column for a field they do not know, and none but the customer's id for __typename", () => {
    expect(columnsFor("profile", new Set(["fullName", "noSuchField"]))).toBeUndefined();
    expect(columnsFor("profile", undefined)).toBeUndefined();
    expect(columnsFor("profile", new Set(["__typename"]))).toEqual([]);
    expect(columnsFor("profile", new Set(["address", "email"]))).toEqual([
      "addressLine1",
      "addressLine2",
      "city",
      "country",
      "email",
      "postalCode",
    ]);
  });
});
