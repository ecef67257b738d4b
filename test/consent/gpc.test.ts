/**
 * Global Privacy Control and an explicit opt-in (CCPA regulations, 11 CCR 7025): a `Sec-GPC: 1`
 * signal is an opt-out of advertising, unless the customer explicitly opted in after a signal;
 * that opt-in stands across further signals until they change it, and the conflict is noted once.
 */
import { and, asc, eq } from "drizzle-orm";
import fc from "fast-check";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentEvents } from "../../src/db/schema/index.js";
import { customer, plainSubjects } from "../dsr/support.js";
import { SetMyConsentDocument } from "../generated/graphql.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { enforcedAllowed, meView } from "./support.js";

let gw: TestGateway;
let subjects: string[];
beforeAll(async () => {
  gw = await startTestGateway({ customers: 200, seed: 13 });
  subjects = await plainSubjects(gw.database.db);
});
afterAll(async () => {
  await gw?.close();
});

const GPC = { "sec-gpc": "1" };
const request = async (s: string, gpc: boolean) => {
  const res = await gw.post({ query: "{ me { id } }" }, { ...(await customer(gw, s)), ...(gpc ? GPC : {}) });
  expect(res.body.errors).toBeUndefined();
};
const choose = async (s: string, granted: boolean, gpc: boolean) => {
  const res = await gw.post(
    { query: print(SetMyConsentDocument), variables: { purpose: "ADVERTISING", granted } },
    { ...(await customer(gw, s)), ...(gpc ? GPC : {}) },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data.setConsent;
};
/** The advertising choice `me` shows (no header: reading must not itself send a signal). */
const shown = async (s: string) => (await meView(gw, s)).consents.get("advertising");
const history = async (s: string) =>
  await gw.database.db
    .select({ granted: consentEvents.granted, source: consentEvents.source })
    .from(consentEvents)
    .where(and(eq(consentEvents.customerId, s), eq(consentEvents.purpose, "advertising")))
    .orderBy(asc(consentEvents.recordedAt), asc(consentEvents.id));

describe("Global Privacy Control", () => {
  it("an explicit opt-in after the signal holds across further signals; an opt-out later, then the signal, then an opt-in again", async () => {
    const s = subjects.shift()!;
    const before = (await history(s)).length;
    await request(s, true);
    expect(await shown(s)).toEqual({ granted: false, source: "gpc" });
    expect(await enforcedAllowed(gw, s, "advertising")).toBe(false);

    expect(await choose(s, true, true)).toMatchObject({ granted: true, source: "web" });
    for (let i = 0; i < 3; i++) await request(s, true);
    // the opt-in stands; the conflict is noted once, as a granted event that shows the signal was seen
    expect(await shown(s)).toEqual({ granted: true, source: "gpc_conflict" });
    expect(await enforcedAllowed(gw, s, "advertising")).toBe(true);
    expect((await history(s)).slice(before)).toEqual([
      { granted: false, source: "gpc" },
      { granted: true, source: "web" },
      { granted: true, source: "gpc_conflict" },
    ]);

    await choose(s, false, true);
    await request(s, true);
    expect(await shown(s)).toEqual({ granted: false, source: "gpc" });
    await choose(s, true, false);
    await request(s, true);
    expect(await shown(s)).toEqual({ granted: true, source: "gpc_conflict" });
    expect(await enforcedAllowed(gw, s, "advertising")).toBe(true);
  });

  it("overrides an opt-in made before any signal, and counts an opt-in made in a request that carries the signal as made after it", async () => {
    const s = subjects.shift()!;
    await choose(s, false, false);
    await choose(s, true, false);
    await request(s, true);
    expect(await shown(s)).toEqual({ granted: false, source: "gpc" });
    expect(await enforcedAllowed(gw, s, "advertising")).toBe(false);

    // an explicit opt-out first, then an opt-in sent with the signal: it stands
    const t = subjects.shift()!;
    await choose(t, false, false);
    await choose(t, true, true);
    await request(t, true);
    expect(await shown(t)).toEqual({ granted: true, source: "gpc_conflict" });
    expect(await enforcedAllowed(gw, t, "advertising")).toBe(true);
  });

  it("the effective advertising choice equals the reference model over sequences of requests and explicit choices", async () => {
    type Step = { kind: "request" | "optIn" | "optOut"; gpc: boolean };
    const step = fc.record({ kind: fc.constantFrom("request" as const, "optIn" as const, "optOut" as const), gpc: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 7 }), async (steps: Step[]) => {
        const s = subjects.shift();
        if (s === undefined) throw new Error("out of plain subjects: seed more customers");
        // The reference: the choice, whether a signal was ever seen, and whether the opt-in came after one.
        let choice: "none" | "in" | "out" = (await shown(s))?.granted === true ? "in" : "none";
        let seen = false;
        let inAfterSignal = false;
        for (const { kind, gpc } of steps) {
          if (gpc) {
            // the signal is recorded before the operation runs
            if (!(choice === "in" && inAfterSignal)) choice = "out";
            seen = true;
          }
          if (kind === "request") await request(s, gpc);
          else {
            await choose(s, kind === "optIn", gpc);
            choice = kind === "optIn" ? "in" : "out";
            inAfterSignal = kind === "optIn" && seen;
          }
          const allowed = choice !== "out";
          expect((await shown(s))?.granted ?? true).toBe(allowed);
          expect(await enforcedAllowed(gw, s, "advertising")).toBe(allowed);
        }
      }),
      { numRuns: 25 },
    );
  });
});
