import fc from "fast-check";
import { getNamedType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDataMap, type DataMap } from "../../src/enforcement/dataMap.js";
import { FIELD_AUDIENCE } from "../../src/enforcement/fieldAudience.js";
import { UNCLASSIFIED_FIELDS } from "../../src/enforcement/unclassifiedFields.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { CATEGORIES, matchesPrefix } from "../../src/policy/categories.js";
import { matrixCell } from "../../src/policy/matrix.js";
import { PURPOSES, type Purpose } from "../../src/policy/purposes.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { admin, asPartner } from "./support.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/**
 * A partner reads nothing about a subject outside its grant's categories (DESIGN.md sections 2
 * and 6): over a selection of every field reachable from a customer that the static check lets it
 * ask for, every non-null value it receives is at a field whose category its grant covers, or is
 * an identifier (pairwise). An unclassified field would show here as a value outside the grant.
 */

let gw: TestGateway;
let schema: GraphQLSchema;
let dataMap: DataMap;

beforeAll(async () => {
  gw = await startTestGateway({ customers: 60 });
  schema = await buildGatewaySchema();
  dataMap = getDataMap(schema);
});
afterAll(async () => {
  await gw?.close();
});

/** What a grant (categories) may be asked for under a purpose: in its categories and not denied by the matrix. */
const askable = (categories: readonly string[], purpose: Purpose) => (category: string) =>
  categories.some((p) => matchesPrefix(category, p)) && matrixCell(DEFAULT_POLICY, purpose, category as never) !== "deny";

/** Every field of `type` and below that may be asked for; personal fields only when `mayAsk` their category. */
function selectionOf(type: GraphQLObjectType, mayAsk: (category: string) => boolean): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const coordinate = `${type.name}.${field.name}`;
    const personal = dataMap.fields.get(coordinate);
    if (personal && !mayAsk(personal.category)) continue;
    if (FIELD_AUDIENCE[coordinate]?.includes("partner") === false) continue; // refused to partners before execution
    const named = getNamedType(field.type);
    if (isObjectType(named)) {
      const inner = selectionOf(named, mayAsk);
      if (inner !== "") parts.push(`${field.name} { ${inner} }`);
    } else parts.push(field.name);
  }
  return parts.join(" ");
}

/** Every non-null value of the answer at a field that is neither in the grant nor an identifier. */
function outsideGrant(value: unknown, type: GraphQLObjectType, grant: readonly string[], out: string[]): string[] {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    for (const v of value) outsideGrant(v, type, grant, out);
    return out;
  }
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    const coordinate = `${type.name}.${name}`;
    const personal = dataMap.fields.get(coordinate);
    const exception = UNCLASSIFIED_FIELDS[coordinate];
    if (personal ? !grant.some((p) => matchesPrefix(personal.category, p)) : exception === undefined) out.push(coordinate);
    const named = getNamedType(type.getFields()[name]!.type);
    if (isObjectType(named)) outsideGrant(v, named, grant, out);
  }
  return out;
}

async function readEverything(apiKey: string, purpose: Purpose, categories: readonly string[]) {
  const customer = schema.getType("Customer") as GraphQLObjectType;
  const query = `query All @purpose(name: ${purpose.toUpperCase()}) { customers(first: 200) { edges { node { ${selectionOf(customer, askable(categories, purpose))} } } } }`;
  const res = await asPartner(gw, apiKey, query);
  expect(res.status, JSON.stringify(res.body.errors)).toBe(200);
  const nodes = (res.body.data?.customers?.edges ?? []).map((e: { node: unknown }) => e.node);
  return { nodes, violations: outsideGrant(nodes, customer, categories, []) };
}

describe("a partner's answer holds only its grant's categories", () => {
  it("for every partner of the seed, over every field it may ask for", async () => {
    let read = 0;
    for (const key of gw.seeded.apiKeys) {
      const grant = await admin(gw)
        .ok(`query G { partners { id grants { purposes categories status } } }`)
        .then((d) =>
          d.partners.find((p: { id: string }) => p.id === key.partnerId).grants.find((g: { status: string }) => g.status === "ACTIVE"),
        );
      for (const purpose of grant.purposes.map((p: string) => p.toLowerCase() as Purpose)) {
        const { nodes, violations } = await readEverything(key.apiKey, purpose, grant.categories);
        expect(violations, `${key.partnerName} for ${purpose}`).toEqual([]);
        read += nodes.length;
      }
    }
    expect(read).toBeGreaterThan(0); // some partner saw someone: the check ran on real answers
  });

  it("for generated grants (kind, purpose, categories)", async () => {
    const po = admin(gw);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("AFFILIATE", "SERVICE_PROVIDER", "THIRD_PARTY"),
        fc.constantFrom(...PURPOSES.filter((p) => p !== "subject_request")),
        fc.subarray([...CATEGORIES, "user", "user.contact", "user.behavior", "user.location", "user.financial"], {
          minLength: 1,
          maxLength: 5,
        }),
        async (kind, purpose, categories) => {
          const partnerId = await po.createPartner({ kind: kind as "AFFILIATE", region: "EU" });
          await po.createGrant(partnerId, {
            purposes: [purpose.toUpperCase()],
            categories,
            regions: ["EU", "UK", "US", "CA", "CH", "BR"],
            transferBasis: "SCC-2021",
          });
          const { apiKey } = await po.issueKey(partnerId);
          const { violations } = await readEverything(apiKey, purpose, categories);
          expect(violations).toEqual([]);
        },
      ),
      { numRuns: 12, seed: 21 },
    );
  });
});
