import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profiles, subjectRequestEvents, subjectRequests } from "../../src/db/schema/index.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import {
  act,
  checkIdentity,
  customer,
  deliver,
  FILE_FOR,
  FILE_OWN,
  fileFor,
  officer,
  OFFICER_ID,
  ONE,
  plainSubjects,
  REQUEST_FIELDS,
  staff,
  type Action,
} from "./support.js";
import { LIFECYCLE } from "./transitions.test.js";

let gw: TestGateway;
let subjects: string[];
beforeAll(async () => {
  gw = await startTestGateway({ customers: 90, seed: 11 });
  subjects = await plainSubjects(gw.database.db);
  expect(subjects.length).toBeGreaterThan(28);
});
afterAll(async () => {
  await gw?.close();
});

const KINDS = ["ACCESS", "PORTABILITY", "RECTIFICATION", "ERASURE", "RESTRICTION", "OBJECTION"] as const;
const DETAIL: Record<string, Record<string, unknown> | undefined> = {
  RECTIFICATION: { corrections: { displayName: "Corrected Name" } },
  OBJECTION: { purposes: ["MARKETING"] },
  RESTRICTION: { grounds: "ACCURACY_CONTESTED" },
};
const STATES = ["received", "verified", "completed", "rejected"] as const;
/** Reject before complete: completing an erasure leaves nothing to file another request about. */
const ACTIONS: Action[] = ["verify", "reject", "complete"];

const stateOf = async (id: string) => (await gw.database.db.select().from(subjectRequests).where(eq(subjectRequests.id, id)))[0]!.state;
const eventCount = async (id: string) =>
  (await gw.database.db.select().from(subjectRequestEvents).where(eq(subjectRequestEvents.requestId, id))).length;

describe("every kind x every transition, over HTTP, as the privacy officer", () => {
  it.each(KINDS.map((kind, i) => ({ kind, i })))("$kind", async ({ kind, i }) => {
    // One open request per subject and kind: a fresh one goes to the first of these subjects with none open.
    const pool = [subjects[i]!, subjects[17 + 2 * i]!, subjects[18 + 2 * i]!];
    const held = new Map<string, string>(); // state -> a request in that state, for refused attempts
    const fresh = async (state: string): Promise<string> => {
      const open = await gw.database.db
        .select({ s: subjectRequests.customerId })
        .from(subjectRequests)
        .where(and(eq(subjectRequests.kind, kind.toLowerCase() as "access"), inArray(subjectRequests.state, ["received", "verified"])));
      const subject = pool.find((s) => !open.some((o) => o.s === s))!;
      const id = await fileFor(gw, subject, kind, DETAIL[kind]);
      await checkIdentity(gw, id);
      if (state === "verified") {
        expect((await act(gw, "verify", id)).errors).toBeUndefined();
        if (kind === "ACCESS" || kind === "PORTABILITY") await deliver(gw, id);
      }
      return id;
    };
    for (const from of STATES) {
      for (const action of ACTIONS) {
        const to = LIFECYCLE[from]![action] ?? null;
        let id = held.get(from);
        if (to !== null || !id) {
          expect(from === "received" || from === "verified", `no request is held in state ${from}`).toBe(true);
          id = await fresh(from);
        }
        const events = await eventCount(id);
        const body = await act(gw, action, id);
        if (to === null) {
          expect(body.errors?.[0]?.extensions?.code, `${kind} ${from} --${action}--> must be refused`).toBe("BAD_USER_INPUT");
          expect(body.errors[0].extensions.reason).toBe("INVALID_TRANSITION");
          expect(await stateOf(id)).toBe(from);
          expect(await eventCount(id)).toBe(events);
          if (!held.has(from)) held.set(from, id);
        } else {
          expect(body.errors, `${kind} ${from} --${action}--> must be allowed`).toBeUndefined();
          const key = Object.keys(body.data)[0]!;
          expect(body.data[key].state).toBe(to.toUpperCase());
          expect(await stateOf(id)).toBe(to);
          // Completing an erasure records a second step: the reclaim of its tables' files.
          expect(await eventCount(id)).toBe(events + (kind === "ERASURE" && action === "complete" ? 2 : 1));
          if (!held.has(to)) held.set(to, id);
        }
      }
    }
  });
});

describe("who files and who moves requests", () => {
  it("a customer files about themself: received, due in 30 days, one FILED event by the customer", async () => {
    const me = subjects[10]!;
    const res = await gw.post({ query: FILE_OWN, variables: { k: "ACCESS" } }, await customer(gw, me));
    expect(res.body.errors).toBeUndefined();
    const r = res.body.data.fileSubjectRequest;
    expect(r).toMatchObject({ subjectId: me, kind: "ACCESS", state: "RECEIVED", verifiedAt: null, overdue: false });
    expect(new Date(r.dueAt).getTime() - new Date(r.receivedAt).getTime()).toBe(30 * 24 * 3600 * 1000);
    const one = await gw.post({ query: ONE, variables: { id: r.id } }, await customer(gw, me));
    expect(one.body.data.subjectRequest.events).toEqual([
      expect.objectContaining({ fromState: null, toState: "RECEIVED", actorKind: "customer", actorId: me, note: "FILED" }),
    ]);
    const mine = await gw.post({ query: `{ mySubjectRequests { ${REQUEST_FIELDS} } }` }, await customer(gw, me));
    expect(mine.body.data.mySubjectRequests.map((x: { id: string }) => x.id)).toContain(r.id);
    expect(mine.body.data.mySubjectRequests.every((x: { subjectId: string }) => x.subjectId === me)).toBe(true);
    // another customer neither sees nor reads it
    const other = await gw.post({ query: ONE, variables: { id: r.id } }, await customer(gw, subjects[11]!));
    expect(other.body.errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("only the privacy officer, under subject_request, verifies, completes or rejects", async () => {
    const me = subjects[12]!;
    const filed = await gw.post({ query: FILE_OWN, variables: { k: "RESTRICTION" } }, await customer(gw, me));
    const id = filed.body.data.fileSubjectRequest.id;
    for (const action of ["verify", "complete", "reject"] as const) {
      expect((await act(gw, action, id, await customer(gw, me))).errors[0].extensions.code).toBe("FORBIDDEN");
      expect((await act(gw, action, id, await staff(gw, "support_agent", "customer_support"))).errors[0].extensions.code).toBe("FORBIDDEN");
      expect((await act(gw, action, id, await staff(gw, "legal", "legal_compliance"))).errors[0].extensions.code).toBe("FORBIDDEN");
      expect((await act(gw, action, id, await officer(gw, "legal_compliance"))).errors[0].extensions.code).toBe("PURPOSE_NOT_ALLOWED");
    }
    expect(await stateOf(id)).toBe("received");
    expect(await eventCount(id)).toBe(1);
    const cust = await gw.post({ query: FILE_FOR, variables: { s: me, k: "ACCESS" } }, await customer(gw, me));
    expect(cust.body.errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("records every step with the actor and a note code", async () => {
    const id = await fileFor(gw, subjects[13]!, "OBJECTION", { purposes: ["MARKETING", "ANALYTICS"] });
    await checkIdentity(gw, id);
    await act(gw, "verify", id);
    await act(gw, "complete", id);
    const one = await gw.post({ query: ONE, variables: { id } }, await officer(gw));
    expect(one.body.data.subjectRequest).toMatchObject({ state: "COMPLETED", objectedPurposes: ["ANALYTICS", "MARKETING"] });
    expect(
      one.body.data.subjectRequest.events.map((e: Record<string, unknown>) => [e.fromState, e.toState, e.actorKind, e.actorId, e.note]),
    ).toEqual([
      [null, "RECEIVED", "staff", OFFICER_ID, "FILED"],
      ["RECEIVED", "RECEIVED", "staff", OFFICER_ID, "IDENTITY_CHECK:email=MATCH"],
      ["RECEIVED", "VERIFIED", "staff", OFFICER_ID, "IDENTITY_VERIFIED:CHECK_PASSED"],
      ["VERIFIED", "COMPLETED", "staff", OFFICER_ID, "OBJECTED:analytics,marketing"],
    ]);
    const rejected = await fileFor(gw, subjects[13]!, "ACCESS");
    await act(gw, "reject", rejected);
    const r = await gw.post({ query: ONE, variables: { id: rejected } }, await officer(gw));
    expect(r.body.data.subjectRequest.events.at(-1)).toMatchObject({
      fromState: "RECEIVED",
      toState: "REJECTED",
      note: "REJECTED:DUPLICATE",
    });
  });

  it("the officer lists and filters requests", async () => {
    const subject = subjects[14]!;
    const a = await fileFor(gw, subject, "ACCESS");
    const e = await fileFor(gw, subject, "ERASURE");
    await checkIdentity(gw, e);
    await act(gw, "verify", e);
    const q = `query L($s: SubjectRequestState, $k: SubjectRequestKind, $c: ID) { subjectRequests(state: $s, kind: $k, customerId: $c) { id kind state subjectId } }`;
    const all = await gw.post({ query: q, variables: { c: subject } }, await officer(gw));
    expect(all.body.data.subjectRequests.map((r: { id: string }) => r.id).sort()).toEqual([a, e].sort());
    const verifiedErasures = await gw.post({ query: q, variables: { s: "VERIFIED", k: "ERASURE" } }, await officer(gw));
    expect(verifiedErasures.body.data.subjectRequests.map((r: { id: string }) => r.id)).toContain(e);
    expect(
      verifiedErasures.body.data.subjectRequests.every(
        (r: { kind: string; state: string }) => r.kind === "ERASURE" && r.state === "VERIFIED",
      ),
    ).toBe(true);
    const cust = await gw.post({ query: q, variables: {} }, await customer(gw, subject));
    expect(cust.body.errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("validates the detail by kind, without echoing values", async () => {
    const s = subjects[15]!;
    const bad = async (k: string, d: Record<string, unknown>) =>
      (await gw.post({ query: FILE_FOR, variables: { s, k, d } }, await officer(gw))).body;
    expect((await bad("OBJECTION", { purposes: ["PAYMENTS"] })).errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect((await bad("OBJECTION", { purposes: [] })).errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect((await bad("ACCESS", { purposes: ["MARKETING"] })).errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect((await bad("RECTIFICATION", {})).errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const email = await bad("RECTIFICATION", { corrections: { email: "not-an-email-qx77" } });
    expect(email.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(email)).not.toContain("qx77");
  });
});

describe("rectification", () => {
  it("changes nothing before completion, then applies the corrections and keeps no value in the request", async () => {
    const s = subjects[16]!;
    const profileOf = async () => (await gw.database.db.select().from(profiles).where(eq(profiles.customerId, s)))[0]!;
    const before = await profileOf();
    const filed = await gw.post(
      { query: FILE_OWN, variables: { k: "RECTIFICATION", d: { corrections: { fullName: "Grace Hopper", phone: "+1 555 0100" } } } },
      await customer(gw, s),
    );
    expect(filed.body.errors).toBeUndefined();
    const id = filed.body.data.fileSubjectRequest.id;
    expect(filed.body.data.fileSubjectRequest.correctedFields).toEqual(["fullName", "phone"]);
    expect(JSON.stringify(filed.body)).not.toContain("Grace");
    await act(gw, "verify", id);
    expect(await profileOf()).toEqual(before);
    const done = await act(gw, "complete", id);
    expect(done.errors).toBeUndefined();
    expect(await profileOf()).toMatchObject({ fullName: "Grace Hopper", phone: "+1 555 0100", email: before.email });
    const [row] = await gw.database.db.select().from(subjectRequests).where(eq(subjectRequests.id, id));
    expect(JSON.stringify(row!.detail)).not.toContain("Grace");
    const [event] = await gw.database.db
      .select()
      .from(subjectRequestEvents)
      .where(eq(subjectRequestEvents.toState, "completed"))
      .then((rows) => rows.filter((r) => r.requestId === id));
    expect(event!.note).toBe("CORRECTED:user.contact.phone_number,user.name");
  });
});
