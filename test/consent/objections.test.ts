/**
 * Objections are the subject's to see and lift: `me.objections` lists each objection in force,
 * `setConsent(granted: true)` under one is refused (OBJECTION_IN_FORCE), `liftObjection` lifts it
 * (an event on the request, and an opt-in), and what `me` shows of a purpose always equals what
 * the enforcement decides for it.
 */
import fc from "fast-check";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Purpose } from "../../src/policy/purposes.js";
import { act, customer, ONE, officer, plainSubjects, staff, verified } from "../dsr/support.js";
import { LiftMyObjectionDocument, SetMyConsentDocument } from "../generated/graphql.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { enforcedAllowed, meView, shownAllowed } from "./support.js";

let gw: TestGateway;
let subjects: string[];
beforeAll(async () => {
  gw = await startTestGateway({ customers: 200, seed: 11 });
  subjects = await plainSubjects(gw.database.db);
});
afterAll(async () => {
  await gw?.close();
});

/** Files, checks the identity of, verifies and completes an objection as the privacy office; returns its id. */
async function object(subject: string, purposes: readonly Purpose[]): Promise<string> {
  const id = await verified(gw, subject, "OBJECTION", { purposes: purposes.map((p) => p.toUpperCase()) });
  const body = await act(gw, "complete", id);
  if (body.errors) throw new Error(`complete failed: ${JSON.stringify(body.errors)}`);
  return id;
}

const setConsent = async (subject: string, purpose: Purpose, granted: boolean) =>
  (
    await gw.post(
      { query: print(SetMyConsentDocument), variables: { purpose: purpose.toUpperCase(), granted } },
      await customer(gw, subject),
    )
  ).body;
const lift = async (subject: string, purpose: Purpose) =>
  (await gw.post({ query: print(LiftMyObjectionDocument), variables: { purpose: purpose.toUpperCase() } }, await customer(gw, subject)))
    .body;

describe("a customer's objections", () => {
  it("are listed on me, refuse an opt-in, and once lifted restore the purpose on the next request", async () => {
    const s = subjects.shift()!;
    const requestId = await object(s, ["marketing", "research"]);
    const res = await gw.post(
      { query: `{ me { objections { purpose since requestId } consents { purpose granted source } } }` },
      await customer(gw, s),
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.objections).toEqual([
      { purpose: "marketing", since: expect.any(String), requestId },
      { purpose: "research", since: expect.any(String), requestId },
    ]);
    expect(res.body.data.me.consents).toEqual(expect.arrayContaining([{ purpose: "marketing", granted: false, source: "dsr" }]));
    expect(await enforcedAllowed(gw, s, "marketing")).toBe(false);

    const refused = await setConsent(s, "marketing", true);
    expect(refused.errors[0].extensions).toMatchObject({ code: "OBJECTION_IN_FORCE", purpose: "MARKETING", requestIds: [requestId] });
    expect(refused.errors[0].message).toContain("liftObjection");
    expect((await meView(gw, s)).consents.get("marketing")).toEqual({ granted: false, source: "dsr" });
    // an opt-out under an objection changes nothing and is no error
    expect((await setConsent(s, "marketing", false)).data.setConsent).toMatchObject({ granted: false });

    const lifted = await lift(s, "marketing");
    expect(lifted.errors).toBeUndefined();
    expect(lifted.data.liftObjection).toEqual({ purpose: "marketing", granted: true, source: "web" });
    expect(await enforcedAllowed(gw, s, "marketing")).toBe(true);
    const page = await gw.post(
      { query: `{ customers(first: 500) { edges { node { id } } } }` },
      await staff(gw, "marketing_analyst", "marketing"),
    );
    expect(page.body.data.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(s);
    expect(await enforcedAllowed(gw, s, "research")).toBe(false);
    const after = await meView(gw, s);
    expect([...after.objected]).toEqual(["research"]);
    expect(after.consents.get("marketing")).toEqual({ granted: true, source: "web" });

    // recorded on the request, by the customer; the request stays completed
    const events = (await gw.post({ query: ONE, variables: { id: requestId } }, await officer(gw))).body.data.subjectRequest.events;
    expect(events.at(-1)).toMatchObject({
      fromState: "COMPLETED",
      toState: "COMPLETED",
      actorKind: "customer",
      note: "OBJECTION_LIFTED:marketing",
    });

    expect((await lift(s, "marketing")).errors[0].extensions.code).toBe("NOT_FOUND");
    expect((await lift(s, "analytics")).errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("are lifted by their subject only", async () => {
    const s = subjects.shift()!;
    await object(s, ["marketing"]);
    const asStaff = await gw.post({ query: print(LiftMyObjectionDocument), variables: { purpose: "MARKETING" } }, await officer(gw));
    expect(asStaff.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const other = subjects.shift()!;
    expect((await lift(other, "marketing")).errors[0].extensions.code).toBe("NOT_FOUND");
    expect(await enforcedAllowed(gw, s, "marketing")).toBe(false);
  });

  it("what me shows of a purpose equals what the enforcement decides, over sequences of objections, consents and lifts", async () => {
    const PURPOSES = ["marketing", "advertising"] as const satisfies readonly Purpose[];
    const purpose = fc.constantFrom(...PURPOSES);
    const action = fc.oneof(
      fc.record({ kind: fc.constant("object" as const), purposes: fc.uniqueArray(purpose, { minLength: 1, maxLength: 2 }) }),
      fc.record({ kind: fc.constant("setConsent" as const), purpose, granted: fc.boolean() }),
      fc.record({ kind: fc.constant("lift" as const), purpose }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 2, maxLength: 6 }), async (actions) => {
        const s = subjects.shift();
        if (s === undefined) throw new Error("out of plain subjects: seed more customers");
        // The reference: objections in force and the latest choice, per purpose.
        const objected = new Set<Purpose>();
        const withdrawn = new Set<Purpose>();
        for (const a of actions) {
          if (a.kind === "object") {
            await object(s, a.purposes);
            for (const p of a.purposes) {
              objected.add(p);
              withdrawn.add(p);
            }
          } else if (a.kind === "setConsent") {
            const body = await setConsent(s, a.purpose, a.granted);
            if (a.granted && objected.has(a.purpose)) {
              expect(body.errors?.[0]?.extensions?.code).toBe("OBJECTION_IN_FORCE");
            } else {
              expect(body.errors).toBeUndefined();
              if (a.granted) withdrawn.delete(a.purpose);
              else withdrawn.add(a.purpose);
            }
          } else {
            const body = await lift(s, a.purpose);
            if (objected.has(a.purpose)) {
              expect(body.errors).toBeUndefined();
              objected.delete(a.purpose);
              withdrawn.delete(a.purpose);
            } else {
              expect(body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
            }
          }
          const view = await meView(gw, s);
          for (const p of PURPOSES) {
            const allowed = !objected.has(p) && !withdrawn.has(p);
            expect(view.objected.has(p)).toBe(objected.has(p));
            // consent and objection never disagree: an objection in force shows as withdrawn
            if (view.objected.has(p)) expect(view.consents.get(p)?.granted).toBe(false);
            expect(shownAllowed(view, p)).toBe(allowed);
            expect(await enforcedAllowed(gw, s, p)).toBe(allowed);
          }
        }
      }),
      { numRuns: 20 },
    );
  });
});
