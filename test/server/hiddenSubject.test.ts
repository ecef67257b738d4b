import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purposesFor, type Caller } from "../../src/policy/caller.js";
import type { Purpose } from "../../src/policy/purposes.js";
import { STAFF_ROLES } from "../../src/policy/roles.js";
import { authHeaders, expectedVisible, purposeEnum, staffCaller, startCanaryWorld, type World } from "../enforcement/support/world.js";
import { parsePrometheus, type Samples } from "../helpers/prometheus.js";
import type { TestGateway } from "../helpers/testGateway.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/**
 * No oracle: `customer(id:)`, a batch lookup by ids and `explainAccess` answer a subject the caller may not see (restricted, erased, opted
 * out, objected, out of a partner's scope, no verified request) exactly like an id that does not
 * exist, and nothing the gateway exposes tells them apart either: not the metrics (every series
 * but the timing histograms and Node's process metrics moves alike), not the request's log lines
 * (alike but for the request id and timings).
 */

let gw: TestGateway;
let world: World;
beforeAll(async () => {
  ({ gw, world } = await startCanaryWorld());
});
afterAll(async () => {
  await gw?.close();
});

/** The gateway's own series, less those that measure time. */
async function counters(): Promise<Samples> {
  const res = await fetch(new URL("/metrics", gw.url));
  const samples = parsePrometheus(await res.text());
  for (const key of [...samples.keys()]) {
    if (!key.startsWith("gateway_") || key.startsWith("gateway_request_duration_seconds")) samples.delete(key);
  }
  return samples;
}

function moved(before: Samples, after: Samples): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const d = (after.get(key) ?? 0) - (before.get(key) ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

/** Every log line the request wrote, without what differs by request and clock. */
function logLinesOf(requestId: string): Record<string, unknown>[] {
  return gw.logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => JSON.stringify(l).includes(requestId))
    .map(({ requestId: _id, time: _t, ms: _ms, pid: _p, hostname: _h, ...rest }) => rest);
}

/** The reads that take one subject's id. */
const LOOKUPS = {
  customer: "customer(id: $id) { id }",
  batch: "customers(first: 5, filter: { ids: [$id] }) { totalCount edges { node { id } } }",
  explainAccess: 'explainAccess(subjectId: $id, coordinate: "Profile.email") { effect reasonCode }',
};
type Lookup = keyof typeof LOOKUPS;
const lookupQuery = (kind: Lookup, purpose: Purpose) =>
  `query Lookup($id: ID!) @purpose(name: ${purposeEnum(purpose)}) { ${LOOKUPS[kind]} }`;

async function lookup(kind: Lookup, caller: Caller, purpose: Purpose, id: string) {
  const before = await counters();
  const res = await gw.post({ query: lookupQuery(kind, purpose), variables: { id } }, await authHeaders(gw, caller, world.partners));
  const after = await counters();
  return { status: res.status, body: res.body, metrics: moved(before, after), logs: logLinesOf(res.headers.get("x-request-id")!) };
}

/** Staff roles and partners with each purpose they may declare, and the seeded subjects each cannot see. */
function hiddenCases(): { caller: Caller; purpose: Purpose; hidden: string[] }[] {
  const callers: Caller[] = [...STAFF_ROLES.map(staffCaller), ...world.partners.map((p) => p.caller)];
  return callers
    .flatMap((caller) =>
      purposesFor(DEFAULT_POLICY, caller).map((purpose) => ({
        caller,
        purpose,
        hidden: world.customers.filter((c) => !expectedVisible(world, caller, purpose, c.id)).map((c) => c.id),
      })),
    )
    .filter((c) => c.hidden.length > 0);
}

describe("a hidden subject and an unknown id", () => {
  it("the seed has hidden subjects of several kinds, for staff and for partners", () => {
    const cases = hiddenCases();
    expect(cases.some((c) => c.caller.kind === "partner")).toBe(true);
    const statuses = new Set(cases.flatMap((c) => c.hidden.map((id) => world.customers.find((x) => x.id === id)!.status)));
    expect([...statuses].sort()).toEqual(["active", "erased", "restricted"]); // active: opted out, objected, out of scope
  });

  it("answer alike, and move the metrics and the logs alike", async () => {
    const cases = hiddenCases();
    const uuid = fc.uuid().filter((u) => !world.customers.some((c) => c.id === u));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases).chain((c) =>
          fc.record({
            c: fc.constant(c),
            hidden: fc.constantFrom(...c.hidden),
            unknown: uuid,
            kind: fc.constantFrom(...(Object.keys(LOOKUPS) as Lookup[])),
          }),
        ),
        async ({ c, hidden, unknown, kind }) => {
          const seen = await lookup(kind, c.caller, c.purpose, hidden);
          const none = await lookup(kind, c.caller, c.purpose, unknown);
          expect(seen.status).toBe(200);
          if (kind === "batch") expect(seen.body.data.customers.totalCount).toBe(0);
          else expect(seen.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
          expect(seen.body).toEqual(none.body);
          expect(seen.metrics).toEqual(none.metrics);
          expect(seen.logs.length).toBeGreaterThan(0);
          expect(seen.logs).toEqual(none.logs);
        },
      ),
      { seed: 11, numRuns: 60 },
    );
  });
});
