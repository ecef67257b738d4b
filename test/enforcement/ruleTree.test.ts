import fc from "fast-check";
import { execute, getNamedType, isObjectType, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { createEnforcement } from "../../src/enforcement/createEnforcement.js";
import { createRuleTree, type FieldRule } from "../../src/enforcement/createRuleTree.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { mayEverCall, ROOT_FIELD_AUDIENCE } from "../../src/enforcement/rootFieldAudience.js";
import { GatewayError } from "../../src/errors/GatewayError.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import type { GatewayContext } from "../../src/graphql/context.js";
import type { Caller } from "../../src/policy/caller.js";
import { STAFF_ROLES } from "../../src/policy/roles.js";
import { createLogger } from "../../src/server/logger.js";

describe("the shield rule tree generated from the data map", () => {
  it("guards every root field with its audience rule, every @personal field with its own per-subject rule, and every other field with the purpose rule", async () => {
    const schema = await buildGatewaySchema();
    const dataMap = getDataMap(schema);
    const tree = createRuleTree(schema, dataMap);
    const roots = [schema.getQueryType(), schema.getMutationType()];
    let personal = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      const rules = tree[type.name];
      expect(rules, `${type.name} has no rule map (it would fall to the fallback)`).toBeDefined();
      for (const name of Object.keys(type.getFields())) {
        const rule = rules![name];
        const coordinate = `${type.name}.${name}`;
        expect(rule, `${coordinate} has no rule`).toBeDefined();
        if (roots.includes(type)) {
          expect(dataMap.fields.has(coordinate), `${coordinate}: a root field carries no category`).toBe(false);
          expect(rule!.name).toBe(`audience:${coordinate}`);
          expect(rule!.includes?.name).toBe("purposeResolved");
        } else if (dataMap.fields.has(coordinate)) {
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

  it("admits a root field's caller exactly as its audience says (ROOT_FIELD_AUDIENCE), and only once the request may execute", async () => {
    const schema = await buildGatewaySchema();
    const tree = createRuleTree(schema, getDataMap(schema));
    const callers = fc.oneof(
      fc.constant<Caller>({ kind: "anonymous" }),
      fc.uuid().map((customerId): Caller => ({ kind: "customer", customerId })),
      fc.constantFrom(...STAFF_ROLES).map((role): Caller => ({ kind: "staff", staffId: "s", role })),
      fc.constant({ kind: "partner", partnerId: "p", partnerKind: "affiliate", partnerRegion: "EU", keyId: "k", grant: {} } as Caller),
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(ROOT_FIELD_AUDIENCE)), callers, fc.boolean(), (coordinate, caller, mayExecute) => {
        const [type, name] = coordinate.split(".");
        const rule: FieldRule = tree[type!]![name!]!;
        const verdict = rule.check(undefined, { caller, enforcement: { mayExecute } } as unknown as GatewayContext);
        if (caller.kind === "anonymous" || !mayExecute) expect(verdict).toBe(false);
        else if (mayEverCall(caller, coordinate)) expect(verdict).toBe(true);
        else {
          expect(verdict).toBeInstanceOf(GatewayError);
          expect((verdict as GatewayError).code).toBe("FORBIDDEN");
          expect((verdict as GatewayError).message).toContain(coordinate);
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each(["guards", "shield"] as const)(
    "refuses a root field to a caller outside its audience before its resolver runs (%s)",
    async (executor) => {
      const { schema } = createEnforcement(await buildGatewaySchema(), { logger: createLogger({ level: "silent" }), executor });
      const db = new Proxy(
        {},
        {
          get: () => {
            throw new Error("the resolver ran");
          },
        },
      );
      const run = (caller: Caller) =>
        execute({
          schema,
          document: parse("{ subjectRequests { id } }"),
          contextValue: { caller, db, enforcement: { mayExecute: true, purpose: "subject_request" } },
        });
      const refused = await run({ kind: "staff", staffId: "s", role: "legal" });
      expect(refused.errors?.map((e) => [(e.originalError as GatewayError).code, e.message])).toEqual([
        ["FORBIDDEN", "Not permitted: Query.subjectRequests does not serve your role or grant."],
      ]);
      const admitted = await run({ kind: "staff", staffId: "s", role: "privacy_officer" });
      expect(admitted.errors?.map((e) => e.message)).toEqual(["the resolver ran"]);
    },
  );

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
