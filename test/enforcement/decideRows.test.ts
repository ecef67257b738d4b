import { buildSchema, parse, type FieldNode, type GraphQLResolveInfo, type OperationDefinitionNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FieldRule, RuleTree } from "../../src/enforcement/createRuleTree.js";
import type { DataMap, PersonalField } from "../../src/enforcement/dataMap.js";
import { decidingRows, rowDecidedTypes } from "../../src/enforcement/decideRows.js";
import type { EnforcementContext } from "../../src/enforcement/EnforcementContext.js";
import { EXECUTIONS } from "../../src/server/config.js";
import { recordsOfAnswer } from "../helpers/recordsOfAnswer.js";
import { subjectWithStatus } from "../helpers/subjects.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

describe.each(EXECUTIONS)("decided rows over HTTP (%s)", (execution) => {
  let gw: TestGateway;
  let support: Record<string, string>;
  let subject: string;
  beforeAll(async () => {
    gw = await startTestGateway({ customers: 8, env: { EXECUTION: execution } });
    support = { ...bearer(await gw.token("support_agent", "agent-1")), "x-purpose": "customer_support" };
    subject = await subjectWithStatus(gw.database.db, "active");
  });
  afterAll(async () => {
    await gw?.close();
  });

  const recorded = async (res: { headers: Headers }) => (await recordsOfAnswer(gw, res)).find((r) => r.customerId === subject);
  const query = `query Q($withEmail: Boolean!, $id: ID!) {
    customer(id: $id) {
      profile { fullName email @include(if: $withEmail) ...More address { city a: line1 b: line1 } }
    }
  }
  fragment More on Profile { n: fullName phone @skip(if: $withEmail) }`;

  it("decides and records what the variables include, request by request, with the same document", async () => {
    for (const withEmail of [true, false, true]) {
      const res = await gw.post({ query, variables: { withEmail, id: subject } }, support);
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      const profile = res.body.data.customer.profile;
      expect("email" in profile).toBe(withEmail);
      expect("phone" in profile).toBe(!withEmail);
      expect(profile.n).toBe(profile.fullName);
      const row = await recorded(res);
      const named = [...(row?.disclosed ?? []), ...(row?.masked ?? [])];
      expect(named.includes("Profile.email")).toBe(withEmail && profile.email !== null);
      expect(named.includes("Profile.phone")).toBe(!withEmail && profile.phone !== null);
      expect(named).toContain("Profile.fullName");
    }
  });

  it("gives each alias of a field the same decided value (the street masked for support)", async () => {
    const res = await gw.post({ query, variables: { withEmail: true, id: subject } }, support);
    const address = res.body.data.customer.profile.address;
    expect(address.a).toBe(address.b);
    if (address.a !== null) expect((await recorded(res))?.masked).toContain("PostalAddress.line1");
  });
});

describe("decided rows, the mechanism", () => {
  const schema = buildSchema(
    `type Query { person: Person, people: [Person] } type Person { id: ID!, email: String, phone: String, note: String }`,
  );
  const field = (fieldName: string, slot: number): PersonalField => ({
    coordinate: `Person.${fieldName}`,
    typeName: "Person",
    fieldName,
    onSubjectRow: true,
    slot,
    category: "user.contact.email" as PersonalField["category"],
    mask: "KEEP" as PersonalField["mask"],
    valueKind: "string",
    categorySlot: 0,
  });
  const allow: FieldRule = {
    name: "allow",
    perSubject: true,
    check: () => true,
    decide: () => ({ effect: "allow", reason: { code: "ALLOWED", message: "" } }) as never,
  };
  const dataMap: DataMap = {
    fields: new Map([
      ["Person.email", field("email", 0)],
      ["Person.phone", field("phone", 1)],
    ]),
    inputs: new Map(),
    identifiers: new Map(),
    categories: ["user.contact.email" as PersonalField["category"]],
    coordinates: ["Person.email", "Person.phone"],
  };
  const tree: RuleTree = { Person: { email: allow, phone: allow, note: allow, id: allow } };
  /** What the executor hands the resolver of `person` in this operation. */
  const infoOf = (query: string) => {
    const operation = parse(query).definitions[0] as OperationDefinitionNode;
    return {
      fieldNodes: [operation.selectionSet.selections[0] as FieldNode],
      fragments: {},
      variableValues: {},
      path: { prev: undefined, key: "person", typename: "Query" },
    } as unknown as GraphQLResolveInfo;
  };

  it("decides the personal leaf fields without a resolver of their own", () => {
    const types = rowDecidedTypes(schema, tree, dataMap);
    expect([...types.keys()]).toEqual(["Person"]);
    expect([...types.get("Person")!.byName.keys()]).toEqual(["email", "phone"]);
  });

  it("leaves a decided field the selection did not name holding an error, never its stored value", () => {
    const rows = rowDecidedTypes(schema, tree, dataMap).get("Person")!;
    const info = infoOf(`{ person { email note } }`);
    const released: string[] = [];
    const ctx = {
      enforcement: { release: (_s: string, f: PersonalField, _d: unknown, v: unknown) => (released.push(f.fieldName), v) },
    } as unknown as EnforcementContext;
    const stored = { id: "p-1", email: "e@example.org", phone: "+1 555 0100", note: "n" };
    const out = decidingRows(() => stored, rows, false)(null, {}, ctx, info) as Record<string, unknown>;
    expect(out.email).toBe("e@example.org");
    expect(out.note).toBe("n");
    expect(out.phone).toBeInstanceOf(Error);
    expect(JSON.stringify(String(out.phone))).not.toContain("555");
    expect(released).toEqual(["email"]);
    expect(stored.phone).toBe("+1 555 0100"); // the loaded row is not changed
  });

  it("gives a selected id in the request's scope, recorded, and an unselected one an error, never the internal id", () => {
    const id = { coordinate: "Person.id", typeName: "Person", fieldName: "id", onSubjectRow: true, slot: 2 };
    const withIds: DataMap = { ...dataMap, identifiers: new Map([["Person.id", id]]), coordinates: [...dataMap.coordinates, "Person.id"] };
    const rows = rowDecidedTypes(schema, tree, withIds).get("Person")!;
    expect([...rows.byName.keys()]).toEqual(["email", "phone", "id"]);
    const identified: string[] = [];
    const ctx = {
      enforcement: {
        release: (_s: string, _f: PersonalField, _d: unknown, v: unknown) => v,
        ids: () => ({ external: (internal: string) => `ext-of-${internal}` }),
        identified: (subject: string) => identified.push(subject),
      },
    } as unknown as EnforcementContext;
    const stored = { id: "p-1", email: "e@example.org", phone: null, note: "n" };
    const selected = decidingRows(() => stored, rows, false)(null, {}, ctx, infoOf(`{ person { id email } }`)) as Record<string, unknown>;
    expect(selected.id).toBe("ext-of-p-1");
    expect(identified).toEqual(["p-1"]);
    const unselected = decidingRows(() => stored, rows, false)(null, {}, ctx, infoOf(`{ person { email } }`)) as Record<string, unknown>;
    expect(unselected.id).toBeInstanceOf(Error);
    expect(identified).toEqual(["p-1"]);
  });

  it("stops start-up when a row type stands behind a union", () => {
    const withUnion = buildSchema(
      `type Query { any: Any } union Any = Person | Other type Other { x: String } type Person { id: ID!, email: String }`,
    );
    expect(() => rowDecidedTypes(withUnion, tree, dataMap)).toThrow(/behind Any/);
  });
});
