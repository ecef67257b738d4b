import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { createRuleTree } from "../../src/enforcement/createRuleTree.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { subjectFieldsOf } from "../../src/enforcement/subjectFieldsOf.js";
import { UNCLASSIFIED_FIELDS } from "../../src/enforcement/unclassifiedFields.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";

/**
 * Everything about a subject is classified (DESIGN.md section 2): every output field reachable
 * from the subject type carries a category, or is one of the listed exceptions with its reason.
 */
describe("every output field reachable from a subject carries a category", () => {
  it("the built schema has no unclassified field about a subject", async () => {
    const schema = await buildGatewaySchema();
    const dataMap = getDataMap(schema);
    const unclassified = subjectFieldsOf(schema).filter((c) => !dataMap.fields.has(c) && UNCLASSIFIED_FIELDS[c] === undefined);
    expect(unclassified).toEqual([]);
  });

  it("lists only exceptions that exist, are reachable from a subject and carry no category", async () => {
    const schema = await buildGatewaySchema();
    const dataMap = getDataMap(schema);
    const reachable = new Set(subjectFieldsOf(schema));
    for (const [coordinate, { reason }] of Object.entries(UNCLASSIFIED_FIELDS)) {
      expect(reachable.has(coordinate), coordinate).toBe(true);
      expect(dataMap.fields.has(coordinate), `${coordinate} is listed and marked`).toBe(false);
      expect(reason.length).toBeGreaterThan(10);
    }
  });

  it("reaches through lists, nested objects, interfaces and unions, and stops below the accounting", () => {
    const schema = buildSchema(`
      type Query { customer: Customer }
      type Customer { id: ID name: String items: [Item!]! things: [Thing] disclosures: [Log] }
      type Item { id: ID label: String inner: Inner }
      type Inner { note: String }
      interface Thing { kind: String }
      type Shoe implements Thing { kind: String size: Int }
      union U = Inner
      type Log { at: String reader: String }
    `);
    const fields = subjectFieldsOf(schema);
    expect(fields).toEqual(
      expect.arrayContaining(["Customer.name", "Item.label", "Inner.note", "Thing.kind", "Shoe.size", "Customer.disclosures"]),
    );
    expect(fields).not.toContain("Log.at");
    expect(fields).not.toContain("Query.customer");
  });

  it("refuses at run time a field about a subject that carries no category and is not listed", () => {
    const schema = buildSchema(`
      directive @personal(category: String!, mask: String) on FIELD_DEFINITION
      type Query { customer: Customer other: Other }
      type Customer { id: ID secret: String email: String @personal(category: "user.contact.email") }
      type Other { free: String }
    `);
    const tree = createRuleTree(schema, getDataMap(schema));
    const ctx = {} as never;
    expect(tree.Customer!.secret!.check(null, ctx)).toBeInstanceOf(Error);
    expect(tree.Customer!.secret!.name).toBe("unclassified");
    expect(tree.Customer!.id!.name).toBe("purposeResolved"); // a listed identifier
    expect(tree.Customer!.email!.name).toBe("personal:Customer.email");
    expect(tree.Other!.free!.name).toBe("purposeResolved"); // not about a subject
  });
});
