import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disclosureLog, subjectRequests } from "../../src/db/schema/index.js";
import { recordsOfAnswer } from "../helpers/recordsOfAnswer.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { act, customer, deliver, FILE_OWN, officer, OFFICER_ID, ONE, plainSubjects, verified } from "./support.js";

/** An access or portability request is completed only once its report was delivered; its subject reads it for 30 days more. */

let gw: TestGateway;
let subjects: string[];
beforeAll(async () => {
  gw = await startTestGateway({ customers: 30, seed: 37 });
  subjects = await plainSubjects(gw.database.db);
});
afterAll(async () => {
  await gw?.close();
});

const DAY = 24 * 3600 * 1000;
const PAGE = `query Page($id: ID!, $first: Int!, $after: String) { accessReport(requestId: $id, first: $first, after: $after) { requestId entries { value } pageInfo { hasNextPage endCursor } } }`;
const BARE_PAGE = `query Bare($id: ID!, $first: Int!, $after: String) { accessReport(requestId: $id, first: $first, after: $after) { entries { coordinate } pageInfo { hasNextPage endCursor } } }`;
const EXPORT_PAGE = `query ExportPage($id: ID!) { portableExport(requestId: $id, first: 5000) }`;
const eventsOf = async (id: string) =>
  (await gw.post({ query: ONE, variables: { id } }, await officer(gw))).body.data.subjectRequest.events.map(
    (e: { fromState: string; toState: string; actorKind: string; actorId: string; note: string }) => [
      e.fromState,
      e.toState,
      e.actorKind,
      e.actorId,
      e.note,
    ],
  );
const refusal = (body: { data?: unknown; errors?: { message: string; extensions?: unknown }[] }) => ({
  data: body.data ?? null,
  errors: (body.errors ?? []).map((e) => ({ message: e.message, extensions: e.extensions })),
});

describe("no completion before delivery", () => {
  it("refuses to complete an access request whose report was not read to its last page; the office's reading delivers it, recorded once", async () => {
    const s = subjects[0]!;
    const id = await verified(gw, s, "ACCESS");
    const early = await act(gw, "complete", id);
    expect(early.data).toBeNull();
    expect(early.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "REPORT_NOT_DELIVERED" });

    // a first page with more to come is not a delivery
    const first = await gw.post({ query: PAGE, variables: { id, first: 1 } }, await officer(gw));
    expect(first.body.data.accessReport.pageInfo.hasNextPage).toBe(true);
    expect((await act(gw, "complete", id)).errors[0].extensions.reason).toBe("REPORT_NOT_DELIVERED");
    expect((await eventsOf(id)).map((e: string[]) => e[4])).not.toContain("REPORT_DELIVERED:office");

    await deliver(gw, id);
    await deliver(gw, id);
    expect((await eventsOf(id)).filter((e: string[]) => e[4]!.startsWith("REPORT_DELIVERED"))).toEqual([
      ["VERIFIED", "VERIFIED", "staff", OFFICER_ID, "REPORT_DELIVERED:office"],
    ]);
    const done = await act(gw, "complete", id);
    expect(done.errors).toBeUndefined();
    const request = done.data.completeSubjectRequest;
    const until = new Date(new Date(request.closedAt).getTime() + 30 * DAY).toISOString();
    expect((await eventsOf(id)).at(-1)).toEqual(["VERIFIED", "COMPLETED", "staff", OFFICER_ID, `REPORT_READABLE_UNTIL:${until}`]);
    const one = await gw.post(
      { query: `query R($id: ID!) { subjectRequest(id: $id) { reportReadableUntil } }`, variables: { id } },
      await officer(gw),
    );
    expect(one.body.data.subjectRequest.reportReadableUntil).toBe(until);
    // the office has delivered: it reads no more
    expect((await gw.post({ query: PAGE, variables: { id, first: 1 } }, await officer(gw))).body.errors[0].extensions).toMatchObject({
      reason: "REQUEST_NOT_VERIFIED",
    });
  });

  it("a walk that reads no values, on any page, delivers nothing and records no disclosure of them; a walk with values does", async () => {
    const s = subjects[4]!;
    const id = await verified(gw, s, "ACCESS");
    const mine = await customer(gw, s);
    const recorded = async () =>
      (await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.customerId, s))).filter(
        (r) => r.subjectRequestId === id && r.callerKind === "customer",
      ).length;
    const walk = async (queries: (i: number) => string) => {
      let after: string | null = null;
      for (let i = 0; ; i++) {
        const res = await gw.post({ query: queries(i), variables: { id, first: 3, after } }, mine);
        expect(res.body.errors).toBeUndefined();
        const page = res.body.data.accessReport;
        if (!page.pageInfo.hasNextPage) return i + 1;
        after = page.pageInfo.endCursor;
      }
    };
    expect(await walk(() => BARE_PAGE)).toBeGreaterThan(1);
    expect(await recorded()).toBe(0);
    expect(await walk((i) => (i === 0 ? BARE_PAGE : PAGE))).toBeGreaterThan(1);
    expect((await eventsOf(id)).map((e: string[]) => e[4])).not.toContain("REPORT_DELIVERED:subject");
    expect((await act(gw, "complete", id)).errors[0].extensions.reason).toBe("REPORT_NOT_DELIVERED");
    const pages = await walk(() => PAGE);
    expect((await eventsOf(id)).map((e: string[]) => e[4])).toContain("REPORT_DELIVERED:subject");
    expect(await recorded()).toBeGreaterThanOrEqual(pages);
  });

  it("ids a page gives (the subject's, the entries' row ids) are recorded as the id fields they are, with or without values; a page without them records nothing", async () => {
    // The id field each table's row ids stand for, written out by hand.
    const ROW_ID_FIELD: Record<string, string> = {
      customers: "Customer.id",
      profiles: "Customer.id",
      credentials: "Customer.id",
      preferences: "Customer.id",
      accounts: "Account.id",
      payment_methods: "PaymentMethod.id",
      purchases: "Purchase.id",
      consent_events: "Consent.id",
      submitted_messages: "SubmittedMessage.id",
      visits: "Visit.id",
    };
    const s = subjects[13]!;
    const id = await verified(gw, s, "ACCESS");
    for (const reader of [await officer(gw), await customer(gw, s)]) {
      const bare = await gw.post({ query: BARE_PAGE, variables: { id, first: 5000 } }, reader);
      expect(bare.body.errors).toBeUndefined();
      expect(await recordsOfAnswer(gw, bare)).toEqual([]);

      const ids = await gw.post(
        { query: `query($id: ID!) { accessReport(requestId: $id, first: 5000) { subjectId entries { table rowId } } }`, variables: { id } },
        reader,
      );
      expect(ids.body.errors).toBeUndefined();
      const tables = new Set<string>(ids.body.data.accessReport.entries.map((e: { table: string }) => e.table));
      expect(tables.size).toBeGreaterThan(2);
      const [record, ...more] = await recordsOfAnswer(gw, ids);
      expect(more).toEqual([]);
      expect(record!.customerId).toBe(s);
      // Internal ids for both readers (staff under a contract purpose, the subject), recorded as disclosed; no value.
      expect(record!.disclosed).toEqual([...new Set(["Customer.id", ...[...tables].map((t) => ROW_ID_FIELD[t]!)])].sort());
      expect([...record!.masked, ...record!.pseudonymized, ...record!.withheld]).toEqual([]);

      const subjectOnly = await gw.post(
        { query: `query($id: ID!) { accessReport(requestId: $id, first: 1) { subjectId entries { coordinate } } }`, variables: { id } },
        reader,
      );
      expect((await recordsOfAnswer(gw, subjectOnly)).map((r) => r.disclosed)).toEqual([["Customer.id"]]);
    }
  });

  it("a last page an error emptied from the answer (a failing field beside it) delivers nothing; the same page that leaves does", async () => {
    const id = await verified(gw, subjects[12]!, "ACCESS");
    const emptied = await gw.post(
      {
        query: `query($id: ID!) { r: accessReport(requestId: $id, first: 5000) { entries { value } pageInfo { hasNextPage } } z: accessReport(requestId: $id, first: 0) { requestId } }`,
        variables: { id },
      },
      await officer(gw),
    );
    expect(emptied.body.data).toBeNull();
    // Nor does it record the page's values as disclosed: none left (compiled execution resolves `r` in full).
    const logged = await recordsOfAnswer(gw, emptied);
    expect(logged.flatMap((r) => [...r.disclosed, ...r.masked, ...r.pseudonymized])).toEqual([]);
    expect((await eventsOf(id)).map((e: string[]) => e[4])).not.toContain("REPORT_DELIVERED:office");
    expect((await act(gw, "complete", id)).errors[0].extensions.reason).toBe("REPORT_NOT_DELIVERED");
    const sent = await gw.post({ query: PAGE, variables: { id, first: 5000 } }, await officer(gw));
    expect(sent.body.data.accessReport.pageInfo.hasNextPage).toBe(false);
    expect((await eventsOf(id)).map((e: string[]) => e[4])).toContain("REPORT_DELIVERED:office");
  });

  it("a cursor the report did not issue for this request (made up at the last table, altered, another request's) is refused and delivers nothing", async () => {
    const [a, b] = [subjects[2]!, subjects[3]!];
    const id = await verified(gw, a, "ACCESS");
    const other = await verified(gw, b, "ACCESS");
    const mine = await customer(gw, a);
    const issued = (await gw.post({ query: PAGE, variables: { id, first: 1 } }, mine)).body.data.accessReport.pageInfo.endCursor as string;
    const foreign = (await gw.post({ query: PAGE, variables: { id: other, first: 1 } }, await officer(gw))).body.data.accessReport.pageInfo
      .endCursor as string;
    const [encoded, mac] = issued.split(".");
    const [, , rowId] = Buffer.from(encoded!, "base64url").toString("utf8").split(":");
    const lastTable = Buffer.from(`r:visits:${rowId}`).toString("base64url");
    for (const after of [
      lastTable,
      `${lastTable}.${mac}`,
      `${encoded}.${mac!.slice(1)}A`,
      foreign,
      `${Buffer.from(`r:visits:${randomUUID()}`).toString("base64url")}`,
    ]) {
      const res = await gw.post({ query: PAGE, variables: { id, first: 5000, after } }, mine);
      expect(res.body.data).toBeNull();
      expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    }
    expect((await eventsOf(id)).map((e: string[]) => e[4])).not.toContain("REPORT_DELIVERED:subject");
    // the issued cursor walks on
    expect((await gw.post({ query: PAGE, variables: { id, first: 1, after: issued } }, mine)).body.errors).toBeUndefined();
  });

  it("the subject's own reading of the export to its end delivers a portability request; they read it 30 days after completion, then it is as unknown", async () => {
    const s = subjects[1]!;
    const mine = await customer(gw, s);
    const filed = await gw.post({ query: FILE_OWN, variables: { k: "PORTABILITY" } }, mine);
    const id = filed.body.data.fileSubjectRequest.id;
    expect((await act(gw, "verify", id)).errors).toBeUndefined();
    expect((await act(gw, "complete", id)).errors[0].extensions.reason).toBe("REPORT_NOT_DELIVERED");
    const exported = await gw.post({ query: EXPORT_PAGE, variables: { id } }, mine);
    expect(JSON.parse(exported.body.data.portableExport).page.hasNextPage).toBe(false);
    expect((await eventsOf(id)).at(-1)).toEqual(["VERIFIED", "VERIFIED", "customer", s, "REPORT_DELIVERED:subject"]);
    expect((await act(gw, "complete", id)).errors).toBeUndefined();

    // completed: still the subject's to read, recorded as their read of the request
    const after = await gw.post({ query: EXPORT_PAGE, variables: { id } }, mine);
    expect(after.body.errors).toBeUndefined();
    expect(JSON.parse(after.body.data.portableExport)).toMatchObject({ requestId: id, subjectId: s });
    const records = await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.customerId, s));
    expect(records.filter((r) => r.callerKind === "customer" && r.subjectRequestId === id)).toHaveLength(2);
    expect((await eventsOf(id)).filter((e: string[]) => e[4]!.startsWith("REPORT_DELIVERED"))).toHaveLength(1);

    // 29 days after completion: readable; 31: answered as an unknown id is
    const closeAgo = (days: number) =>
      gw.database.db
        .update(subjectRequests)
        .set({ closedAt: new Date(Date.now() - days * DAY) })
        .where(eq(subjectRequests.id, id));
    await closeAgo(29);
    expect((await gw.post({ query: PAGE, variables: { id, first: 1 } }, mine)).body.errors).toBeUndefined();
    await closeAgo(31);
    const unknown = refusal((await gw.post({ query: PAGE, variables: { id: randomUUID(), first: 1 } }, mine)).body);
    expect(refusal((await gw.post({ query: PAGE, variables: { id, first: 1 } }, mine)).body)).toEqual(unknown);
    const unknownExport = refusal((await gw.post({ query: EXPORT_PAGE, variables: { id: randomUUID() } }, mine)).body);
    expect(refusal((await gw.post({ query: EXPORT_PAGE, variables: { id } }, mine)).body)).toEqual(unknownExport);
  });
});
