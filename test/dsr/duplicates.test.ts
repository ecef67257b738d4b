import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subjectRequests } from "../../src/db/schema/index.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { act, customer, FILE_FOR, FILE_OWN, officer, plainSubjects } from "./support.js";

/** One open request per subject and kind: a second is refused, naming the open one, also when both are filed at once. */

let gw: TestGateway;
let subjects: string[];
beforeAll(async () => {
  gw = await startTestGateway({ customers: 40, seed: 41 });
  subjects = await plainSubjects(gw.database.db);
  expect(subjects.length).toBeGreaterThan(12);
});
afterAll(async () => {
  await gw?.close();
});

const fileOwn = async (subject: string, kind: string) =>
  (await gw.post({ query: FILE_OWN, variables: { k: kind } }, await customer(gw, subject))).body;
const fileFor = async (subject: string, kind: string) =>
  (await gw.post({ query: FILE_FOR, variables: { s: subject, k: kind } }, await officer(gw))).body;
const idOf = (body: any): string => (body.data.fileSubjectRequest ?? body.data.fileSubjectRequestFor).id;
const openOf = (subject: string, kind: string) =>
  gw.database.db
    .select({ id: subjectRequests.id, state: subjectRequests.state })
    .from(subjectRequests)
    .where(and(eq(subjectRequests.customerId, subject), eq(subjectRequests.kind, kind.toLowerCase() as "access")));

function expectDuplicate(body: any, openId: string) {
  expect(body.data).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "DUPLICATE_REQUEST", openRequestId: openId });
}

describe("a second open request of the same kind for the same subject", () => {
  it("is refused while the first is received or verified, by the customer and by the office, naming the open one; once it is closed, a new one is filed", async () => {
    const s = subjects[0]!;
    const first = await fileOwn(s, "ACCESS");
    expect(first.errors).toBeUndefined();
    const open = idOf(first);
    expectDuplicate(await fileOwn(s, "ACCESS"), open);
    expectDuplicate(await fileFor(s, "ACCESS"), open);
    // another kind, or another subject: filed
    expect((await fileOwn(s, "PORTABILITY")).errors).toBeUndefined();
    expect((await fileOwn(subjects[1]!, "ACCESS")).errors).toBeUndefined();

    expect((await act(gw, "verify", open)).errors).toBeUndefined();
    expectDuplicate(await fileOwn(s, "ACCESS"), open);
    expectDuplicate(await fileFor(s, "ACCESS"), open);
    expect(await openOf(s, "ACCESS")).toEqual([{ id: open, state: "verified" }]);

    expect((await act(gw, "reject", open)).errors).toBeUndefined();
    const again = await fileFor(s, "ACCESS");
    expect(again.errors).toBeUndefined();
    expect(idOf(again)).not.toBe(open);
  });

  it("of two filed at once, exactly one is filed and the other names it", async () => {
    for (const [i, s] of subjects.slice(2, 12).entries()) {
      const kind = i % 2 ? "ERASURE" : "PORTABILITY";
      const bodies = await Promise.all([i % 3 ? fileOwn(s, kind) : fileFor(s, kind), fileFor(s, kind), fileOwn(s, kind)]);
      const filed = bodies.filter((b) => !b.errors);
      expect(filed, JSON.stringify(bodies)).toHaveLength(1);
      const rows = await openOf(s, kind);
      expect(rows).toEqual([{ id: idOf(filed[0]), state: "received" }]);
      for (const b of bodies.filter((b) => b.errors)) expectDuplicate(b, rows[0]!.id);
    }
  });
});
