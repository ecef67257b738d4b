/**
 * The guards (one synchronous wrapper per field, the production rule executor), executed by
 * graphql-jit's compiled queries (production) and by graphql-js's executor, answer exactly as
 * graphql-shield's own middleware does with the same rule tree under graphql-js: same data, same
 * errors at the same paths with the same codes and reasons, same privacy extensions. Generated operations
 * (fast-check, fixed seed) over the canary world, as every staff role, customers and partners,
 * with purposes they may declare and, now and then, one they may not; pages (subject states
 * preloaded, rules decide synchronously) and single lookups (rules wait for the state) both.
 */
import { Writable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purposesFor, type Caller } from "../../src/policy/caller.js";
import { PURPOSES, type Purpose } from "../../src/policy/purposes.js";
import { STAFF_ROLES } from "../../src/policy/roles.js";
import type { RuleExecutor } from "../../src/enforcement/applyRuleTree.js";
import type { Execution } from "../../src/server/config.js";
import { createEnforcedGateway } from "../../src/server/createEnforcedGateway.js";
import type { Gateway } from "../../src/server/createGateway.js";
import { createLogger } from "../../src/server/logger.js";
import { idScopeOf } from "../helpers/idScopes.js";
import type { TestGateway } from "../helpers/testGateway.js";
import { opSpecArb, renderOperation } from "./support/operations.js";
import { authHeaders, customerCaller, rawKey, staffCaller, startCanaryWorld, type World } from "./support/world.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

const SEED = 777;
const RUNS = 300;

let gw: TestGateway;
let world: World;
const gateways: Gateway[] = [];
/** The reference (graphql-shield under graphql-js) and the production guards under each execution. */
const urls = { shield: "", jit: "", graphqlJs: "" };

beforeAll(async () => {
  ({ gw, world } = await startCanaryWorld());
  const sink = new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });
  const start = async (execution: Execution, executor: RuleExecutor) => {
    const gateway = await createEnforcedGateway({
      config: { ...gw.config, execution },
      database: gw.database,
      logger: createLogger({ level: "info", destination: sink }),
      executor,
    });
    gateways.push(gateway);
    return gateway.listen();
  };
  urls.shield = await start("graphql-js", "shield");
  urls.jit = await start("jit", "guards");
  urls.graphqlJs = await start("graphql-js", "guards");
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await gw?.close();
});

/**
 * The answer with what may legitimately differ between executors set aside: the order of errors;
 * and, when an error nulled the whole of `data`, `extensions.privacy`. graphql-js answers as soon
 * as a root field fails while sibling fields may still be resolving; what those siblings recorded
 * by then (cells resolved and discarded, never sent) depends on timing, not on the executor.
 */
function normalise(body: unknown): unknown {
  if (typeof body !== "object" || body === null) return body;
  const { errors, extensions, ...rest } = body as { errors?: unknown[]; extensions?: Record<string, unknown>; data?: unknown };
  const sorted = errors?.map((e) => JSON.stringify(e)).sort();
  const { privacy, ...otherExtensions } = extensions ?? {};
  const kept = rest.data === null ? otherExtensions : { ...otherExtensions, privacy };
  return { ...rest, errors: sorted, extensions: kept };
}

type Answer = Awaited<ReturnType<typeof post>>;

/**
 * Equal answers; but when an error nulled the whole of `data`, the candidate may report more of
 * the root fields that failed: graphql-js stops at the first (the others' errors are dropped as
 * they arrive), graphql-jit completes them all. Each error the reference reports must be there.
 */
function expectSameAnswer(candidate: Answer, reference: Answer, message: string) {
  const body = (a: Answer) => a.body as { data?: unknown; errors?: string[] };
  if (body(reference).data === null && body(candidate).data === null) {
    expect({ ...candidate, body: { ...body(candidate), errors: undefined } }, message).toEqual({
      ...reference,
      body: { ...body(reference), errors: undefined },
    });
    expect(body(candidate).errors, message).toEqual(expect.arrayContaining(body(reference).errors ?? []));
    return;
  }
  expect(candidate, message).toEqual(reference);
}

async function post(url: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: normalise(await res.json()) };
}

describe("the guards answer as graphql-shield does, rule tree for rule tree, under either execution", () => {
  it(`${RUNS} generated operations: identical status and answer`, async () => {
    const callerArb: fc.Arbitrary<Caller> = fc.oneof(
      fc.constantFrom(...STAFF_ROLES).map(staffCaller),
      fc.nat(world.customers.length - 1).map((i) => customerCaller(world.customers[i]!.id)),
      fc.nat(world.partners.length - 1).map((i) => world.partners[i]!.caller),
    );
    const cases = fc.sample(fc.tuple(callerArb, fc.nat(PURPOSES.length * 4), opSpecArb(world.schema, world.customers.length)), {
      seed: SEED,
      numRuns: RUNS,
    });
    let withData = 0;
    let withErrors = 0;
    let withWithheld = 0;
    for (const [caller, pick, spec] of cases) {
      const own = purposesFor(DEFAULT_POLICY, caller);
      // Mostly a purpose the caller may declare; one time in five, any purpose.
      const purpose = (pick % 5 === 0 || own.length === 0 ? PURPOSES[pick % PURPOSES.length] : own[pick % own.length]) as Purpose;
      const op = renderOperation(spec, {
        schema: world.schema,
        dataMap: world.dataMap,
        caller,
        purpose,
        declare: "directive",
        customerIds: world.customers.map((s) => s.id),
        ids: idScopeOf(gw, caller, purpose),
        emailOf: (id) => [...(world.raw.get(rawKey(id, "Profile.email")) ?? [])][0] ?? null,
        residencies: [...new Set(world.customers.map((s) => s.residency))],
      });
      const headers = { ...(await authHeaders(gw, caller, world.partners)), ...op.headers };
      const body = { query: op.query, variables: op.variables };
      const reference = await post(urls.shield, body, headers);
      const guards = await post(urls.jit, body, headers);
      expectSameAnswer(guards, reference, `jit: ${JSON.stringify(caller)} ${purpose}\n${op.query}`);
      expectSameAnswer(
        await post(urls.graphqlJs, body, headers),
        reference,
        `graphql-js: ${JSON.stringify(caller)} ${purpose}\n${op.query}`,
      );
      if ((guards.body as { data?: unknown }).data) withData++;
      const errors = (guards.body as { errors?: string[] }).errors ?? [];
      if (errors.length) withErrors++;
      if (errors.some((e) => e.includes('"WITHHELD"'))) withWithheld++;
    }
    // The comparison means something only if both kinds of answer were met often.
    expect(withData).toBeGreaterThan(RUNS / 3);
    expect(withErrors).toBeGreaterThan(RUNS / 10);
    // Withheld cells are rarer (pages leave out subjects who are invisible altogether): a few suffice.
    expect(withWithheld).toBeGreaterThan(0);
  });
});
