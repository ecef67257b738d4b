import { execute, getNamedType, isObjectType, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { createEnforcement } from "../../src/enforcement/createEnforcement.js";
import { createRuleTree } from "../../src/enforcement/createRuleTree.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { createLogger } from "../../src/server/logger.js";

describe("the shield rule tree generated from the data map", () => {
  it("guards every @personal field with its own per-subject rule, and every other field with the purpose rule", async () => {
    const schema = await buildGatewaySchema();
    const dataMap = getDataMap(schema);
    const tree = createRuleTree(schema, dataMap);
    let personal = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      const rules = tree[type.name];
      expect(rules, `${type.name} has no rule map (it would fall to the fallback)`).toBeDefined();
      for (const name of Object.keys(type.getFields())) {
        const rule = rules![name];
        const coordinate = `${type.name}.${name}`;
        expect(rule, `${coordinate} has no rule`).toBeDefined();
        if (dataMap.fields.has(coordinate)) {
          personal++;
          expect(rule!.name, `${coordinate} is guarded by something weaker than its category rule`).toBe(`personal:${coordinate}`);
          expect(rule!.perSubject, `${coordinate}'s rule would be cached across rows`).toBe(true);
        } else {
          expect(rule!.name).toBe("purposeResolved");
        }
      }
    }
    expect(personal).toBe(dataMap.fields.size);
    expect(personal).toBeGreaterThan(50);
  });

  it("every personal field is nullable, so a withheld cell can be null", async () => {
    const schema = await buildGatewaySchema();
    for (const field of getDataMap(schema).fields.values()) {
      const type = (schema.getType(field.typeName) as graphqlTypes).getFields()[field.fieldName]!.type;
      expect(type.constructor.name, field.coordinate).not.toBe("GraphQLNonNull");
      expect(getNamedType(type)).toBeDefined();
    }
  });

  it("no personal field has a resolver of its own: the guards read the stored value directly (simpleResolvers)", async () => {
    // Not a safety property (a field with a resolver is guarded the same way) but the page's cost:
    // type-graphql's per-field resolver, called from the guard, cost about 1.5 ms a page.
    const schema = await buildGatewaySchema();
    const withResolver = [...getDataMap(schema).fields.values()]
      .filter((field) => field.valueKind !== "object") // a container is read by its own resolver
      .filter((field) => (schema.getType(field.typeName) as graphqlTypes).getFields()[field.fieldName]!.resolve !== undefined)
      .map((field) => field.coordinate);
    expect(withResolver, "declare `simpleResolvers: true` on these fields' object types").toEqual([]);
  });

  it.each(["guards", "shield"] as const)(
    "denies for real through the modules the server uses (%s): no context purpose, no personal value",
    async (executor) => {
      const bare = await buildGatewaySchema();
      const { schema } = createEnforcement(bare, { logger: createLogger({ level: "silent" }), executor });
      const profile = { customerId: "00000000-0000-4000-8000-000000000001", email: "someone@example.com", updatedAt: new Date() };
      const customer = { id: profile.customerId, status: "active", residency: "EU", createdAt: new Date() };
      const contextValue = {
        caller: { kind: "anonymous" },
        enforcement: { purpose: null },
        loaders: { customer: { load: async () => customer }, profile: { load: async () => profile } },
      };
      const result = await execute({
        schema,
        document: parse(`{ customer(id: "${profile.customerId}") { id profile { email } } }`),
        contextValue,
      });
      expect(JSON.stringify(result)).not.toContain("someone@example.com");
      // The fallback error, a domain error (formatError turns it into extensions.code FORBIDDEN).
      expect((result.errors?.[0]?.originalError as { code?: string } | undefined)?.code).toBe("FORBIDDEN");
      expect(result.data?.customer ?? null).toBeNull();
    },
  );
});

type graphqlTypes = import("graphql").GraphQLObjectType;
