import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customers } from "../../src/db/schema/index.js";
import { getDataMap, type DataMap } from "../../src/enforcement/dataMap.js";
import { mayEverRead } from "../../src/enforcement/fieldAudience.js";
import { ROOT_FIELD_AUDIENCE, type Audience } from "../../src/enforcement/rootFieldAudience.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { purposesFor, type Caller } from "../../src/policy/caller.js";
import { ceiling } from "../../src/policy/ceiling.js";
import { STAFF_ROLES, type StaffRole } from "../../src/policy/roles.js";
import { admin, myGrantQuery } from "../partners/support.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/**
 * Introspection per caller over real HTTP: each caller sees only the fields it could ever read
 * for a purpose it may declare (from the data map and the policy) and the root fields that serve
 * it; a partner's view follows its grant; staff roles differ; and the audience table that hides a
 * root field from a caller is the one that refuses it to that caller.
 */

const INTROSPECT = `{ __schema {
  queryType { name } mutationType { name }
  types { name kind fields { name } inputFields { name } }
} }`;

type View = Map<string, Set<string>>;

let gw: TestGateway;
let schema: GraphQLSchema;
let dataMap: DataMap;
let customerId: string;
const partnerKeys: Record<string, string> = {};
const partnerCallers: Record<string, Caller> = {};

beforeAll(async () => {
  gw = await startTestGateway({ customers: 4, env: { INTROSPECTION: "true" } });
  schema = await buildGatewaySchema();
  dataMap = getDataMap(schema);
  const me = await gw.post(
    { query: "query Q @purpose(name: LEGAL_COMPLIANCE) { customers(first: 1) { edges { node { id } } } }" },
    bearer(await gw.token("legal")),
  );
  customerId = me.body.data.customers.edges[0].node.id;
  const office = admin(gw);
  const grants = {
    newsletter: { purposes: ["MARKETING"], categories: ["user.name", "user.contact.email"], regions: ["EU"] },
    helpdesk: { purposes: ["CUSTOMER_SUPPORT", "CLAIMS"], categories: ["user.contact"], regions: ["EU"] },
  };
  for (const [name, grant] of Object.entries(grants)) {
    const partnerId = await office.createPartner({ kind: "SERVICE_PROVIDER", region: "EU", name });
    await office.createGrant(partnerId, { ...grant, subjectScope: "ALL", requestsPerMinute: 100_000 });
    partnerKeys[name] = (await office.issueKey(partnerId)).apiKey;
    const res = await gw.post({ query: myGrantQuery(grant.purposes[0]!) }, { "x-api-key": partnerKeys[name]! });
    const g = res.body.data.myGrant;
    partnerCallers[name] = {
      kind: "partner",
      partnerId,
      partnerKind: "service_provider",
      partnerRegion: "EU",
      keyId: g.keyId,
      grant: {
        id: g.grantId,
        purposes: g.purposes.map((p: string) => p.toLowerCase()),
        categories: g.categories,
        subjectScope: "all",
        regions: g.regions,
        transferBasis: g.transferBasis,
        validFrom: new Date(g.validFrom),
        validUntil: new Date(g.validUntil),
      },
    };
  }
});
afterAll(async () => {
  await gw?.close();
});

const headersFor = async (who: Audience | `partner:${string}`): Promise<Record<string, string>> =>
  who.startsWith("partner:")
    ? { "x-api-key": partnerKeys[who.slice(8)]! }
    : who === "customer"
      ? bearer(await gw.token("customer", customerId))
      : bearer(await gw.token(who));

async function view(who: Audience | `partner:${string}`): Promise<View> {
  const res = await gw.post({ query: INTROSPECT }, await headersFor(who));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.errors).toBeUndefined();
  const types: View = new Map();
  for (const t of res.body.data.__schema.types)
    types.set(t.name, new Set([...(t.fields ?? []), ...(t.inputFields ?? [])].map((f: { name: string }) => f.name)));
  return types;
}

const has = (v: View, coordinate: string) => {
  const [type, field] = coordinate.split(".");
  return v.get(type!)?.has(field!) ?? false;
};

const callerFor = (who: Audience | `partner:${string}`): Caller =>
  who.startsWith("partner:")
    ? partnerCallers[who.slice(8)]!
    : who === "customer"
      ? { kind: "customer", customerId }
      : { kind: "staff", staffId: "t", role: who as StaffRole };

/** Some purpose the caller may declare gets more than deny (output) or `allow` (a filter). */
const readable = (caller: Caller, category: string, filter: boolean) =>
  purposesFor(DEFAULT_POLICY, caller).some((p) => {
    const e = ceiling(DEFAULT_POLICY, caller, p, category).effect;
    return filter ? e === "allow" : e !== "deny";
  });

const everyone: Array<Audience | `partner:${string}`> = ["customer", ...STAFF_ROLES, "partner:newsletter", "partner:helpdesk"];

describe("each caller introspects only what it could ever read", () => {
  it.each(everyone)("%s: no personal field it can never read, every one it can (where its type is shown)", async (who) => {
    const v = await view(who);
    const caller = callerFor(who);
    let shown = 0;
    for (const [maps, filter] of [
      [dataMap.fields, false],
      [dataMap.inputs, true],
    ] as const) {
      for (const field of maps.values()) {
        const visible = has(v, field.coordinate);
        if (visible) shown++;
        if (!readable(caller, field.category, filter) || !mayEverRead(caller, field.coordinate))
          expect(visible, `${who} sees ${field.coordinate}`).toBe(false);
        else if (v.has(field.typeName)) expect(visible, `${who} misses ${field.coordinate}`).toBe(true);
      }
    }
    expect(shown).toBeGreaterThan(0);
    for (const [coordinate, audience] of Object.entries(ROOT_FIELD_AUDIENCE)) {
      const served = who.startsWith("partner:") ? audience.includes("partner") : audience.includes(who as Audience);
      if (!served) expect(has(v, coordinate), `${who} sees ${coordinate}`).toBe(false);
    }
  });

  it("a customer sees its own surface but no staff-only field or type", async () => {
    const v = await view("customer");
    for (const c of [
      "Query.me",
      "Query.mySubjectRequests",
      "Query.accessReport",
      "Query.portableExport",
      "Mutation.updateMyProfile",
      "Profile.email",
      "PaymentMethod.cardToken",
    ]) {
      expect(has(v, c), c).toBe(true);
    }
    for (const c of [
      "Query.partners",
      "Query.disclosureLog",
      "Query.subjectRequests",
      "Mutation.createPartner",
      "Mutation.verifySubjectRequest",
      "Query.myGrant",
    ]) {
      expect(has(v, c), c).toBe(false);
    }
    expect(v.has("Partner")).toBe(false);
    expect(v.has("CreateGrantInput")).toBe(false);
    expect(v.has("AccessReport")).toBe(true); // their own report, once their request is verified
  });

  it("a partner's view follows its grant", async () => {
    const newsletter = await view("partner:newsletter");
    expect(has(newsletter, "Profile.fullName")).toBe(true);
    expect(has(newsletter, "Profile.email")).toBe(true);
    expect(has(newsletter, "Profile.phone")).toBe(false);
    expect(has(newsletter, "Profile.address")).toBe(false); // every PostalAddress field is user.contact.address
    expect(newsletter.has("PostalAddress")).toBe(false);
    // Types keep their identifiers; their personal fields are gone, and so are the types reached
    // only through a container outside the grant (the cards, the visits, the accounts).
    for (const c of [
      "PaymentMethod.cardToken",
      "PaymentMethod.brand",
      "Visit.ipAddress",
      "Visit.page",
      "Account.accountNumber",
      "Customer.paymentMethods",
      "Customer.visits",
    ])
      expect(has(newsletter, c), c).toBe(false);
    expect(has(newsletter, "Customer.id")).toBe(true);
    expect(newsletter.has("PaymentMethod")).toBe(false);
    expect(has(newsletter, "Query.myGrant")).toBe(true);
    expect(has(newsletter, "Query.me")).toBe(false);
    expect(newsletter.has("Mutation")).toBe(false);

    const helpdesk = await view("partner:helpdesk");
    expect(has(helpdesk, "Profile.phone")).toBe(true);
    expect(has(helpdesk, "Profile.fullName")).toBe(false); // user.name is outside its grant
    expect(has(helpdesk, "PostalAddress.city")).toBe(true);
  });

  it("staff roles differ", async () => {
    const [support, fraud, marketing, officer] = await Promise.all(
      ["support_agent", "fraud_analyst", "marketing_analyst", "privacy_officer"].map((r) => view(r as Audience)),
    );
    expect(has(support!, "Customer.messages")).toBe(true);
    expect(has(support!, "SubmittedMessage.body")).toBe(true);
    expect(has(marketing!, "SubmittedMessage.body")).toBe(false); // user.content.private: no marketing purpose reads it
    expect(has(marketing!, "PaymentMethod.cardToken")).toBe(false);
    expect(has(support!, "Preferences.emailNewsletter")).toBe(true);
    expect(has(fraud!, "Preferences.emailNewsletter")).toBe(false); // user.privacy_preferences: denied for fraud_prevention
    expect(has(fraud!, "Consent.granted")).toBe(false);
    expect(has(fraud!, "Profile.email")).toBe(true);
    expect(has(officer!, "Query.partners")).toBe(true);
    expect(has(support!, "Query.partners")).toBe(false);
    expect(has(officer!, "Mutation.completeSubjectRequest")).toBe(true);
    expect(has(support!, "Mutation")).toBe(false);
  });

  it("`__type` of a type the caller cannot see is null; the same name resolves for one who can", async () => {
    const q = { query: `{ __type(name: "Partner") { name } }` };
    expect((await gw.post(q, await headersFor("customer"))).body).toEqual({ data: { __type: null } });
    expect((await gw.post(q, await headersFor("privacy_officer"))).body).toEqual({ data: { __type: { name: "Partner" } } });
  });

  it("introspection mixed with data fields, directly or through a root fragment, is refused before execution", async () => {
    const headers = await headersFor("support_agent");
    for (const query of [
      `query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { totalCount } __schema { types { name } } }`,
      `query Q @purpose(name: CUSTOMER_SUPPORT) { ...Both } fragment Both on Query { __type(name: "Partner") { name } customers(first: 1) { totalCount } }`,
    ]) {
      const before = gw.database.statements;
      const res = await gw.post({ query }, headers);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe("BAD_REQUEST");
      expect(res.body.data ?? null).toBeNull();
      expect(gw.database.statements).toBe(before);
    }
  });

  it("introspection only, directly or through fragments, needs no purpose from a caller with several (one rule: isIntrospectionOnly)", async () => {
    const headers = await headersFor("support_agent");
    for (const query of [
      `{ __schema { queryType { name } } }`,
      `{ ...S } fragment S on Query { __schema { queryType { name } } }`,
      `{ ... on Query { ...S } } fragment S on Query { __schema { queryType { name } } __typename }`,
    ]) {
      const res = await gw.post({ query }, headers);
      expect(res.status, query).toBe(200);
      expect(res.body.data.__schema).toEqual({ queryType: { name: "Query" } });
    }
  });

  it("introspection through a root fragment is still the caller's own schema", async () => {
    const res = await gw.post({ query: `{ ...I } fragment I on Query { __type(name: "Partner") { name } }` }, await headersFor("customer"));
    expect(res.body).toEqual({ data: { __type: null } });
  });
});

describe("the audience table", () => {
  const roots = () =>
    [schema.getQueryType()!, schema.getMutationType()!].flatMap((t) => Object.keys(t.getFields()).map((f) => `${t.name}.${f}`));

  it("lists every root field of the schema (a new one is hidden from all until listed), and nothing else", () => {
    expect(Object.keys(ROOT_FIELD_AUDIENCE).sort()).toEqual(roots().sort());
  });

  /** A literal for a required argument, or null when it needs an input object (not probed). */
  function literal(type: GraphQLInputType): string | null {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) return "[]";
    if (isEnumType(inner)) return inner.getValues()[0]!.name;
    if (isInputObjectType(inner)) return null;
    if (isScalarType(inner))
      return ({ Int: "1", Float: "1", Boolean: "true" } as Record<string, string>)[inner.name] ?? `"00000000-0000-4000-8000-000000000000"`;
    return null;
  }

  function probe(operation: "query" | "mutation", field: GraphQLField<unknown, unknown>, purpose: string): string | null {
    const args: string[] = [];
    for (const arg of field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined)) {
      const value = literal(arg.type);
      if (value === null) return null;
      args.push(`${arg.name}: ${value}`);
    }
    const selection = isObjectType(getNamedType(field.type)) ? " { __typename }" : "";
    return `${operation} P @purpose(name: ${purpose}) { ${field.name}${args.length ? `(${args.join(", ")})` : ""}${selection} }`;
  }

  it("admits by it: a root field outside the caller's audience refuses the whole operation before execution, the field named", async () => {
    let probed = 0;
    for (const who of ["customer", "support_agent", "legal", "partner:helpdesk"] as const) {
      const caller = callerFor(who);
      const purpose = purposesFor(DEFAULT_POLICY, caller)[0]!.toUpperCase();
      const headers = await headersFor(who);
      for (const [operation, type] of [
        ["query", schema.getQueryType()!],
        ["mutation", schema.getMutationType()!],
      ] as const) {
        for (const field of Object.values(type.getFields())) {
          const coordinate = `${type.name}.${field.name}`;
          const audience = ROOT_FIELD_AUDIENCE[coordinate] ?? [];
          if (audience.includes(who.startsWith("partner:") ? "partner" : (who as Audience))) continue;
          const query = probe(operation, field, purpose);
          if (query === null) continue;
          const before = gw.database.statements;
          const res = await gw.post({ query }, headers);
          expect(res.status, `${who} ${coordinate}: ${JSON.stringify(res.body)}`).toBe(403);
          expect(res.body.errors).toHaveLength(1);
          expect(res.body.errors[0].extensions.code).toBe("FORBIDDEN");
          expect(res.body.errors[0].message).toContain(coordinate);
          expect(res.body.errors[0].extensions.denied).toContainEqual(expect.objectContaining({ coordinate, reason: "NOT_IN_AUDIENCE" }));
          expect(res.body.data ?? null).toBeNull();
          // Staff authenticate without the database: nothing at all ran (customers and partners are looked up first).
          if (caller.kind === "staff") expect(gw.database.statements, `${who} ${coordinate}`).toBe(before);
          probed++;
        }
      }
    }
    expect(probed).toBeGreaterThan(40);
  });
});

describe("configuration", () => {
  it("with INTROSPECTION and LANDING_PAGE off (the production default), introspection is refused and no Sandbox is served", async () => {
    const off = await startTestGateway({ customers: 1, env: { INTROSPECTION: "false", LANDING_PAGE: "false" } });
    try {
      const [someone] = await off.database.db.select({ id: customers.id }).from(customers).limit(1);
      const token = bearer(await off.token("customer", someone!.id));
      const res = await off.post({ query: INTROSPECT }, token);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(res.body.errors[0].message).toMatch(/introspection/i);
      const page = await fetch(off.url, { headers: { accept: "text/html" } });
      expect(page.headers.get("content-type")).not.toMatch(/html/);
      expect(await page.text()).not.toMatch(/<html|sandbox/i);
    } finally {
      await off.close();
    }
  });

  it("with them on, the Sandbox landing page is served on GET /graphql", async () => {
    const page = await fetch(gw.url, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<html/i);
  });
});
