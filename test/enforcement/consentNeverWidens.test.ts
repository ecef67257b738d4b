/**
 * Consent never widens: withdrawing a consent can only take data away. For a sample of subjects
 * and every staff role and partner x every purpose, a snapshot is taken (a page with its count,
 * and every field the caller may select of each sampled subject by id); the subjects then
 * withdraw consents over HTTP, as themselves (`setConsent(granted: false)`, and a `Sec-GPC: 1`
 * signal); the same snapshot afterwards must show no cell that was withheld before, no value
 * that was not shown before, no subject that was hidden before, and no larger count. For the
 * withdrawn purposes the narrowing is exact. Partners: a subject with no consent events at all
 * is not visible to a partner that needs an opt-in.
 */
import { eq } from "drizzle-orm";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentEvents, PARTNER_SHARING_PURPOSE } from "../../src/db/schema/index.js";
import { mayDeclare, type Caller } from "../../src/policy/caller.js";
import { decide } from "../../src/policy/decide.js";
import { PURPOSES, type Purpose } from "../../src/policy/purposes.js";
import { STAFF_ROLES } from "../../src/policy/roles.js";
import { idScopeOf } from "../helpers/idScopes.js";
import { bearer, type TestGateway } from "../helpers/testGateway.js";
import { readableSelection } from "./support/selections.js";
import { walkResponse } from "./support/walk.js";
import {
  authHeaders,
  expectedVisible,
  startCanaryWorld,
  purposeEnum,
  staffCaller,
  type PartnerCaller,
  type World,
} from "./support/world.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

let gw: TestGateway;
let world: World;

beforeAll(async () => {
  ({ gw, world } = await startCanaryWorld());
});
afterAll(async () => {
  await gw?.close();
});

interface Cell {
  subject: string;
  coordinate: string;
  value: unknown;
  withheld: boolean;
}

interface Snapshot {
  /** The error code when the whole operation was refused. */
  refused: string | null;
  totalCount: number;
  listed: string[];
  found: Map<string, boolean>;
  cells: Map<string, Cell>;
}

async function snapshot(caller: Caller, purpose: Purpose, subjects: readonly string[]): Promise<Snapshot> {
  const selection = readableSelection(world.schema, world.dataMap, caller, purpose);
  // Ids as this caller sends and receives them for the purpose; the snapshot holds internal ones.
  const ids = idScopeOf(gw, caller, purpose);
  const query = [
    `query Snapshot @purpose(name: ${purposeEnum(purpose)}) {`,
    "  page: customers(first: 50) { totalCount edges { node { id } } }",
    ...subjects.map((id, i) => `  s${i}: customer(id: ${JSON.stringify(ids.external(id))}) { ${selection} }`),
    "}",
  ].join("\n");
  const res = await gw.post({ query }, await authHeaders(gw, caller, world.partners));
  const body = res.body;
  const errors: any[] = body.errors ?? [];
  const snap: Snapshot = { refused: null, totalCount: 0, listed: [], found: new Map(), cells: new Map() };
  if (!body.data) {
    snap.refused = errors[0]?.extensions?.code ?? `HTTP ${res.status}`;
    return snap;
  }
  snap.totalCount = body.data.page.totalCount;
  snap.listed = body.data.page.edges.map((e: { node: { id: string } }) => ids.internal(e.node.id));
  subjects.forEach((id, i) => snap.found.set(id, body.data[`s${i}`] !== null));
  walkResponse(world.schema, parse(query), {}, body.data, {
    subjectOf: ids.internal,
    leaf: (leaf) => {
      if (!world.dataMap.fields.has(leaf.coordinate) || leaf.subject === null) return;
      const error = errors.find((e) => JSON.stringify(e.path) === JSON.stringify(leaf.path));
      snap.cells.set(leaf.path.join("."), {
        subject: leaf.subject,
        coordinate: leaf.coordinate,
        value: leaf.value,
        withheld: leaf.value === null && error?.extensions?.code === "WITHHELD",
      });
    },
  });
  return snap;
}

/** Every way a second snapshot could show more than the first. */
function widenings(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  if (before.refused !== null) {
    if (after.refused === null) out.push(`refused (${before.refused}) before, executed after`);
    return out;
  }
  if (after.refused !== null) return out;
  if (after.totalCount > before.totalCount) out.push(`totalCount grew from ${before.totalCount} to ${after.totalCount}`);
  for (const id of after.listed) if (!before.listed.includes(id)) out.push(`${id} listed after, not before`);
  for (const [id, found] of after.found) if (found && !before.found.get(id)) out.push(`${id} found by id after, hidden before`);
  for (const [path, cell] of after.cells) {
    const was = before.cells.get(path);
    if (cell.withheld || cell.value === null) continue;
    if (!was) {
      out.push(`${path} (${cell.coordinate}) shown after, absent before`);
      continue;
    }
    if (was.withheld) out.push(`${path} (${cell.coordinate}) withheld before, shown after: ${JSON.stringify(cell.value)}`);
    else if (was.value === null) out.push(`${path} (${cell.coordinate}) null before, shown after`);
    // Consents change by the withdrawal itself; every other stored value is untouched.
    else if (!cell.coordinate.startsWith("Consent.") && JSON.stringify(was.value) !== JSON.stringify(cell.value)) {
      out.push(`${path} (${cell.coordinate}) shown differently: ${JSON.stringify(was.value)} -> ${JSON.stringify(cell.value)}`);
    }
  }
  return out;
}

const callers = (): Array<[string, Caller]> => [
  ...STAFF_ROLES.map((role) => [role, staffCaller(role)] as [string, Caller]),
  ...world.partners.map((p) => [`partner:${p.kind}`, p.caller] as [string, Caller]),
];

const WITHDRAWN = ["marketing", "advertising", "analytics", "personalization"] as const;

describe("withdrawing a consent never widens what anyone sees", () => {
  it("for every staff role and partner x every purpose, over a sample of subjects", async () => {
    // Sampled subjects: active ones that still consent to the purpose each will withdraw, and a
    // restricted one; each withdraws one purpose (the first through Sec-GPC).
    const plan: Array<{ id: string; purpose: (typeof WITHDRAWN)[number]; via: "setConsent" | "gpc" }> = [];
    const candidates = [
      ...world.customers.filter((c) => c.status === "active"),
      ...world.customers.filter((c) => c.status === "restricted").slice(0, 1),
    ];
    for (const c of candidates.slice(0, 8).concat(candidates.slice(-1))) {
      if (plan.some((p) => p.id === c.id)) continue;
      const optOuts = world.states.get(c.id)!.optOuts;
      const wanted = plan.length === 0 ? "advertising" : WITHDRAWN[plan.length % WITHDRAWN.length]!;
      const purpose = [wanted, ...WITHDRAWN].find((p) => !optOuts.has(p));
      if (!purpose) continue;
      plan.push({ id: c.id, purpose, via: plan.length === 0 && purpose === "advertising" ? "gpc" : "setConsent" });
    }
    expect(plan.length).toBeGreaterThanOrEqual(8);
    expect(plan.some((p) => world.states.get(p.id)!.status === "restricted")).toBe(true);
    const subjects = plan.map((p) => p.id);

    const combos = callers().flatMap(([label, caller]) => PURPOSES.map((purpose) => ({ label, caller, purpose })));
    const before = new Map<string, Snapshot>();
    for (const k of combos) before.set(`${k.label}/${k.purpose}`, await snapshot(k.caller, k.purpose, subjects));
    // Undeclarable purposes are refused whole, declarable ones read something.
    for (const k of combos) {
      const snap = before.get(`${k.label}/${k.purpose}`)!;
      if (mayDeclare(DEFAULT_POLICY, k.caller, k.purpose)) expect(snap.refused, `${k.label}/${k.purpose}`).toBeNull();
      else expect(snap.refused, `${k.label}/${k.purpose}`).toBe("PURPOSE_NOT_ALLOWED");
    }
    const visibleBefore = new Map(
      combos.map((k) => [`${k.label}/${k.purpose}`, new Set(subjects.filter((id) => expectedVisible(world, k.caller, k.purpose, id)))]),
    );

    // The subjects withdraw, over HTTP, as themselves.
    for (const p of plan) {
      const headers = bearer(await gw.token("customer", p.id));
      if (p.via === "gpc") {
        const res = await gw.post({ query: "query { me { id } }" }, { ...headers, "sec-gpc": "1" });
        expect(res.status).toBe(200);
      } else {
        const res = await gw.post({ query: `mutation { setConsent(purpose: ${purposeEnum(p.purpose)}, granted: false) { id } }` }, headers);
        expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined();
      }
    }
    await world.refresh();
    for (const p of plan) expect(world.states.get(p.id)!.optOuts.has(p.purpose), `${p.id} withdrew ${p.purpose}`).toBe(true);

    const problems: string[] = [];
    let compared = 0;
    let withheldBefore = 0;
    for (const k of combos) {
      const key = `${k.label}/${k.purpose}`;
      const after = await snapshot(k.caller, k.purpose, subjects);
      compared += after.cells.size;
      withheldBefore += [...before.get(key)!.cells.values()].filter((c) => c.withheld).length;
      for (const w of widenings(before.get(key)!, after)) problems.push(`${key}: ${w}`);
      // Where the withdrawal applies, it narrows exactly: withdrawn subjects are gone, and counted out.
      if (after.refused === null) {
        const b = before.get(key)!;
        const gone = plan.filter((p) => visibleBefore.get(key)!.has(p.id) && !expectedVisible(world, k.caller, k.purpose, p.id));
        for (const p of gone) {
          if (after.found.get(p.id)) problems.push(`${key}: ${p.id} withdrew ${p.purpose} but is still found by id`);
          if (after.listed.includes(p.id)) problems.push(`${key}: ${p.id} withdrew ${p.purpose} but is still listed`);
        }
        if (after.totalCount !== b.totalCount - gone.length)
          problems.push(`${key}: totalCount ${b.totalCount} -> ${after.totalCount}, expected -${gone.length}`);
      }
    }
    expect(problems).toEqual([]);
    expect(compared, "cells compared").toBeGreaterThan(1000);
    expect(withheldBefore, "cells withheld before").toBeGreaterThan(0);
    // And the withdrawal had an effect somewhere: the analyst lost subjects for each withdrawn purpose.
    for (const purpose of new Set(plan.map((p) => p.purpose))) {
      const key = `marketing_analyst/${purpose}`;
      expect(visibleBefore.get(key)!.size, key).toBeGreaterThan(
        [...visibleBefore.get(key)!].filter((id) => expectedVisible(world, staffCaller("marketing_analyst"), purpose, id)).length,
      );
    }
  }, 240_000);
});

describe("partners that need an opt-in", () => {
  async function partnerSees(partner: PartnerCaller, purpose: Purpose, subject: string) {
    const theirs = idScopeOf(gw, partner.caller, purpose).external(subject);
    const query = `query P($id: ID!) @purpose(name: ${purposeEnum(purpose)}) { page: customers(first: 50) { totalCount edges { node { id } } } one: customer(id: $id) { id } }`;
    const res = await gw.post({ query, variables: { id: theirs } }, { "x-api-key": partner.apiKey });
    expect(res.status).toBe(200);
    return {
      totalCount: res.body.data.page.totalCount as number,
      listed: (res.body.data.page.edges as Array<{ node: { id: string } }>).some((e) => e.node.id === theirs),
      found: res.body.data.one !== null,
    };
  }

  for (const kind of ["third_party", "affiliate"] as const) {
    it(`a subject with no consent events at all is not visible to the ${kind} partner`, async () => {
      const partner = world.partners.find((p) => p.kind === kind)!;
      const purpose = partner.caller.grant.purposes[0] as Purpose;
      const region = partner.caller.grant.regions[0] as string;
      const db = gw.database.db;
      await world.refresh();
      // An active subject in the grant's region that is otherwise in scope; opted in if need be.
      const subject = world.customers.find((c) => {
        const s = world.states.get(c.id)!;
        return c.status === "active" && c.residency === region && s.optOuts.size === 0 && s.objections.size === 0;
      });
      expect(subject, `an active ${region} subject without opt-outs`).toBeDefined();
      const id = subject!.id;
      if (!world.states.get(id)!.partnerOptIns.has(partner.partnerId)) {
        await db.insert(consentEvents).values({
          customerId: id,
          purpose: PARTNER_SHARING_PURPOSE,
          partnerId: partner.partnerId,
          granted: true,
          source: "web",
          policyVersion: DEFAULT_POLICY.version,
        });
        await world.refresh();
      }
      expect(expectedVisible(world, partner.caller, purpose, id), "opted in: visible").toBe(true);
      const optedIn = await partnerSees(partner, purpose, id);
      expect(optedIn).toMatchObject({ listed: true, found: true });

      // No consent events at all: the opt-in is gone, so is the subject.
      await db.delete(consentEvents).where(eq(consentEvents.customerId, id));
      await world.refresh();
      const state = world.states.get(id)!;
      expect(state.partnerOptIns.size + state.optOuts.size).toBe(0);
      expect(decide(DEFAULT_POLICY, partner.caller, purpose, "user.device", state).effect, "decide: no opt-in, no sharing").toBe("deny");
      expect(expectedVisible(world, partner.caller, purpose, id)).toBe(false);
      const none = await partnerSees(partner, purpose, id);
      expect(none).toEqual({ totalCount: optedIn.totalCount - 1, listed: false, found: false });
      // Staff reading for an opt-out purpose still see such a subject: nobody opted out.
      const analyst = await snapshot(staffCaller("marketing_analyst"), "marketing", [id]);
      expect(analyst.found.get(id)).toBe(true);
    });
  }

  it("a withdrawn opt-in (granted = false) hides the subject from the third party again", async () => {
    const partner = world.partners.find((p) => p.kind === "third_party")!;
    await world.refresh();
    const visible = world.customers.filter((c) => expectedVisible(world, partner.caller, "advertising", c.id));
    const db = gw.database.db;
    let id = visible[0]?.id;
    if (!id) {
      id = world.customers.find((c) => c.status === "active" && c.residency === "US" && world.states.get(c.id)!.optOuts.size === 0)!.id;
      await db.insert(consentEvents).values({
        customerId: id,
        purpose: PARTNER_SHARING_PURPOSE,
        partnerId: partner.partnerId,
        granted: true,
        source: "web",
        policyVersion: DEFAULT_POLICY.version,
      });
    }
    const before = await partnerSees(partner, "advertising", id);
    expect(before.found).toBe(true);
    await db.insert(consentEvents).values({
      customerId: id,
      purpose: PARTNER_SHARING_PURPOSE,
      partnerId: partner.partnerId,
      granted: false,
      source: "web",
      policyVersion: DEFAULT_POLICY.version,
    });
    const after = await partnerSees(partner, "advertising", id);
    expect(after).toEqual({ totalCount: before.totalCount - 1, listed: false, found: false });
  });
});
