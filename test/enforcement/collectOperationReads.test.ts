import fc from "fast-check";
import {
  getNamedType,
  isNonNullType,
  Kind,
  parse,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { collectOperationReads, type OperationReads } from "../../src/enforcement/collectOperationReads.js";
import { createIdScope } from "../../src/enforcement/createIdScope.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { opSpecArb, renderOperation } from "./support/operations.js";
import { coerceVariables } from "./support/walk.js";

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema();
});

const CUSTOMERS = Array.from({ length: 8 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);

function readsOf(
  query: string,
  variables: Record<string, unknown>,
): { reads: OperationReads; operation: OperationDefinitionNode; coerced: Record<string, unknown> } {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  const coerced = coerceVariables(schema, operation, variables);
  return { reads: collectOperationReads(schema, operation, fragments, coerced), operation, coerced };
}

/** Other variables: every Boolean flipped, every other nullable variable null (a filter, a filter's email). */
function otherVariables(operation: OperationDefinitionNode, coerced: Record<string, unknown>): Record<string, unknown> {
  const other: Record<string, unknown> = { ...coerced };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType;
    if (getNamedType(type).name === "Boolean") other[name] = !(coerced[name] ?? false);
    else if (!isNonNullType(type)) other[name] = null;
  }
  return other;
}

describe("collectOperationReads: whether variables decided the reads", () => {
  // The static check keeps the reads with the parsed document when no variable decided them
  // (createStaticCheckPlugin): claiming independence wrongly would let one request's reads stand
  // for another's with a filter or a skipped field switched on.
  it("reads that claim no variable decided them are the same for any other variables (generated operations)", () => {
    const dataMap = getDataMap(schema);
    let decided = 0;
    let independent = 0;
    fc.assert(
      fc.property(opSpecArb(schema, CUSTOMERS.length), (spec) => {
        const op = renderOperation(spec, {
          schema,
          dataMap,
          caller: { kind: "staff", staffId: "s", role: "privacy_officer" },
          purpose: "legal_compliance",
          declare: "directive",
          customerIds: CUSTOMERS,
          ids: createIdScope(new Uint8Array(32).fill(1), { kind: "internal" }),
          emailOf: (id) => `${id.slice(-4)}@example.com`,
          residencies: ["EU", "US"],
        });
        const first = readsOf(op.query, op.variables);
        const second = readsOf(op.query, otherVariables(first.operation, first.coerced));
        const same =
          JSON.stringify([[...first.reads.fields].sort(), [...first.reads.inputs].sort()]) ===
          JSON.stringify([[...second.reads.fields].sort(), [...second.reads.inputs].sort()]);
        if (!first.reads.dependOnVariables) {
          independent++;
          expect(same).toBe(true);
        } else if (!same) {
          decided++;
        }
      }),
      { seed: 20261205, numRuns: 2000 },
    );
    // Not vacuous: the generator makes both kinds, and variables that really change the reads.
    expect(independent).toBeGreaterThan(100);
    expect(decided).toBeGreaterThan(20);
  });

  it("tells a variable inside a literal input object, or in a directive, from one a scalar argument takes", () => {
    const cases: [string, boolean][] = [
      [`query Q($id: ID!) { customer(id: $id) { id } }`, false],
      [`query Q($n: Int) { customers(first: $n) { totalCount } }`, false],
      [`query Q { customers(first: 2, filter: { residency: "EU" }) { totalCount } }`, false],
      [`query Q($e: String) { customers(first: 2, filter: { email: $e }) { totalCount } }`, true],
      [`query Q($f: CustomerFilter) { customers(first: 2, filter: $f) { totalCount } }`, true],
      [`query Q($b: Boolean!) { customers(first: 2) { totalCount @include(if: $b) } }`, true],
      [`query Q { customers(first: 2) { totalCount @skip(if: false) } }`, false],
    ];
    const variables = { id: CUSTOMERS[0], b: true };
    for (const [query, expected] of cases) expect(readsOf(query, variables).reads.dependOnVariables, query).toBe(expected);
  });
});
