import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disclosureLog } from "../../src/db/schema/index.js";
import { readReportPages, type ReportEntry } from "../helpers/readReportPages.js";
import { recordsOfAnswer } from "../helpers/recordsOfAnswer.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { act, customer, deliver, FILE_OWN, officer, plainSubjects } from "./support.js";

/** The right of access is the customer's: their own verified request's report and export, and nothing else. */

let gw: TestGateway;
let subjects: string[];
beforeAll(async () => {
  gw = await startTestGateway({ customers: 60, seed: 23 });
  subjects = await plainSubjects(gw.database.db);
  expect(subjects.length).toBeGreaterThan(10);
});
afterAll(async () => {
  await gw?.close();
});

const PAGED = `query Paged($id: ID!, $first: Int!, $after: String) { accessReport(requestId: $id, first: $first, after: $after) {
  requestId subjectId sections { table rows } entries { coordinate table column rowId value withheld effect reasonCode }
  pageInfo { hasNextPage endCursor } } }`;
const EXPORT_PAGED = `query Export($id: ID!, $first: Int!, $after: String) { portableExport(requestId: $id, first: $first, after: $after) }`;
const SMALL = `query Small($id: ID!) { accessReport(requestId: $id, first: 1) { requestId subjectId } }`;
const SMALL_EXPORT = `query SmallExport($id: ID!) { portableExport(requestId: $id, first: 1) }`;

/** Files a request as the customer; returns its id. */
async function fileOwn(subject: string, kind: string, detail?: Record<string, unknown>): Promise<string> {
  const res = await gw.post({ query: FILE_OWN, variables: { k: kind, d: detail ?? null } }, await customer(gw, subject));
  if (res.body.errors) throw new Error(`filing failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.fileSubjectRequest.id;
}

async function officerAct(action: "verify" | "complete" | "reject", id: string) {
  const body = await act(gw, action, id);
  if (body.errors) throw new Error(`${action} failed: ${JSON.stringify(body.errors)}`);
}

/** Every page of the report, walked to the end; also the number of pages. */
async function wholeReport(id: string, headers: Record<string, string>, first: number) {
  const pages = await readReportPages(gw, PAGED, { id, first }, headers);
  const last = pages.at(-1)!.report;
  return {
    entries: pages.flatMap((p) => p.report.entries as ReportEntry[]),
    pages: pages.length,
    subjectId: last.subjectId as string,
    requestId: last.requestId as string,
  };
}

/** What a refusal shows: the status and the errors, message and extensions (nothing else may tell two refusals apart). */
const refusal = (res: { status: number; body: { data?: unknown; errors?: { message: string; extensions?: unknown }[] } }) => ({
  status: res.status,
  data: res.body.data ?? null,
  errors: (res.body.errors ?? []).map((e) => ({ message: e.message, extensions: e.extensions })),
});

const logOf = (subject: string) => gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.customerId, subject));

describe("a customer's own access request", () => {
  it("is refused like an unknown id until verified; then the customer reads the whole report and the export, decided and recorded like any read", async () => {
    const s = subjects[0]!;
    const other = subjects[1]!;
    const mine = await customer(gw, s);
    const id = await fileOwn(s, "ACCESS");
    const unknown = refusal(await gw.post({ query: SMALL, variables: { id: randomUUID() } }, mine));
    expect(unknown.errors[0]!.extensions).toMatchObject({ code: "NOT_FOUND" });
    expect(unknown.data).toBeNull();

    // received: nothing, and nothing recorded
    const before = (await logOf(s)).length;
    expect(refusal(await gw.post({ query: SMALL, variables: { id } }, mine))).toEqual(unknown);
    const unknownExport = refusal(await gw.post({ query: SMALL_EXPORT, variables: { id: randomUUID() } }, mine));
    expect(refusal(await gw.post({ query: SMALL_EXPORT, variables: { id } }, mine))).toEqual(unknownExport);
    expect((await logOf(s)).length).toBe(before);

    await officerAct("verify", id);

    // another customer: as if the request did not exist, verified or not
    const theirs = await customer(gw, other);
    expect(refusal(await gw.post({ query: SMALL, variables: { id } }, theirs))).toEqual(unknown);
    expect(refusal(await gw.post({ query: SMALL_EXPORT, variables: { id } }, theirs))).toEqual(unknownExport);
    expect((await logOf(s)).length).toBe(before);

    // the customer reads it page by page
    const got = await wholeReport(id, mine, 3);
    expect(got).toMatchObject({ requestId: id, subjectId: s });
    expect(got.pages).toBeGreaterThan(1);
    const office = await wholeReport(id, await officer(gw), 500);
    const key = (e: ReportEntry) => `${e.table}.${e.column}@${e.rowId}`;
    const officeByKey = new Map(office.entries.map((e) => [key(e), e]));
    expect(got.entries.map(key).sort()).toEqual([...officeByKey.keys()].sort());
    let same = 0;
    for (const e of got.entries) {
      const o = officeByKey.get(key(e))!;
      // the same values wherever the customer's decision is the office's
      if (e.effect === o.effect && e.reasonCode === o.reasonCode) {
        expect(e.value, key(e)).toBe(o.value);
        same++;
      }
    }
    expect(same).toBeGreaterThan(got.entries.length / 2);
    expect(got.entries.find((e) => e.coordinate === "Profile.email")).toMatchObject({ withheld: false, effect: "ALLOW" });

    // and the export, paged the same way
    const exportPage = async (after: string | null) => {
      const res = await gw.post({ query: EXPORT_PAGED, variables: { id, first: 500, after } }, mine);
      expect(res.body.errors).toBeUndefined();
      return JSON.parse(res.body.data.portableExport);
    };
    const doc = await exportPage(null);
    expect(doc).toMatchObject({ format: "privacy-gateway/subject-export@1", requestId: id, subjectId: s, page: { hasNextPage: false } });
    expect(doc.entries.map((e: ReportEntry) => key(e)).sort()).toEqual(got.entries.map(key).sort());

    // one disclosure record per page read by the customer, tagged with the request, under the customer's purpose
    const records = (await logOf(s)).filter((r) => r.callerKind === "customer");
    expect(records).toHaveLength(got.pages + 1);
    for (const r of records)
      expect(r).toMatchObject({ callerId: s, role: "customer", purpose: "account_management", subjectRequestId: id });
    expect(records.some((r) => r.disclosed.includes("Profile.email"))).toBe(true);
  });

  it("a portability request: the export as well; a rejected one: as if unknown", async () => {
    const s = subjects[2]!;
    const mine = await customer(gw, s);
    const unknown = refusal(await gw.post({ query: SMALL_EXPORT, variables: { id: randomUUID() } }, mine));
    const id = await fileOwn(s, "PORTABILITY");
    await officerAct("verify", id);
    const res = await gw.post({ query: SMALL_EXPORT, variables: { id } }, mine);
    expect(res.body.errors).toBeUndefined();
    expect(JSON.parse(res.body.data.portableExport)).toMatchObject({ requestId: id, subjectId: s });
    await deliver(gw, id, mine);
    await officerAct("complete", id);
    const rejected = await fileOwn(s, "ACCESS");
    await officerAct("reject", rejected);
    expect(refusal(await gw.post({ query: SMALL_EXPORT, variables: { id: rejected } }, mine))).toEqual(unknown);
    // a malformed id as well
    expect(refusal(await gw.post({ query: SMALL_EXPORT, variables: { id: "not-a-uuid" } }, mine))).toEqual(unknown);
  });
});

describe("the customer's own decision, not the office's", () => {
  it("a restricted subject's own read (account_management) is withheld where the office's (subject_request) is released, as any read of theirs is", async () => {
    const s = subjects[10]!;
    const restriction = await fileOwn(s, "RESTRICTION", { grounds: "ACCURACY_CONTESTED" });
    await officerAct("verify", restriction);
    await officerAct("complete", restriction);
    const id = await fileOwn(s, "ACCESS");
    await officerAct("verify", id);
    const got = await wholeReport(id, await customer(gw, s), 500);
    const office = await wholeReport(id, await officer(gw), 500);
    const key = (e: ReportEntry) => `${e.table}.${e.column}@${e.rowId}`;
    expect(got.entries.map(key).sort()).toEqual(office.entries.map(key).sort());
    const email = (r: { entries: ReportEntry[] }) => r.entries.find((e) => e.coordinate === "Profile.email")!;
    expect(email(office)).toMatchObject({ withheld: false, effect: "ALLOW" });
    expect(email(got)).toMatchObject({ withheld: true, value: null, reasonCode: "RESTRICTED" });
    for (const e of got.entries) expect(e.value).toBeNull();
    const records = (await logOf(s)).filter((r) => r.callerKind === "customer" && r.subjectRequestId === id);
    expect(records).toHaveLength(1);
    expect(records[0]!.withheld).toContain("Profile.email");
    // The report's own header about the subject is decided as well: the status withheld and
    // recorded so, no table's row count (none of their values may leave to the subject).
    const HEADER = `query Header($id: ID!) { accessReport(requestId: $id, first: 1) { subjectStatus sections { table rows } } }`;
    const header = await gw.post({ query: HEADER, variables: { id } }, await customer(gw, s));
    expect(header.body.data.accessReport).toEqual({ subjectStatus: null, sections: [] });
    const logged = await recordsOfAnswer(gw, header);
    expect(logged.map((r) => [r.customerId, r.disclosed, r.withheld])).toEqual([[s, [], ["Customer.status"]]]);
    const asOffice = await gw.post({ query: HEADER, variables: { id } }, await officer(gw));
    expect(asOffice.body.data.accessReport.subjectStatus).toBe("RESTRICTED");
    expect(asOffice.body.data.accessReport.sections.length).toBeGreaterThan(0);
    expect((await recordsOfAnswer(gw, asOffice))[0]!.disclosed).toEqual(["Customer.status"]);
  });
});

describe("generated: a customer never receives anyone else's report", () => {
  it("over several customers and requests in every state, only the reader's own verified (or recently completed) access or portability request answers", async () => {
    const readers = subjects.slice(3, 7);
    type Held = { id: string; owner: string; kind: string; state: string };
    const held: Held[] = [];
    for (const [i, s] of readers.entries()) {
      const done = await fileOwn(s, "ACCESS");
      await officerAct("verify", done);
      await deliver(gw, done, await customer(gw, s));
      await officerAct("complete", done);
      held.push({ id: done, owner: s, kind: "ACCESS", state: "completed" });
      const rejected = await fileOwn(s, "PORTABILITY");
      await officerAct("reject", rejected);
      held.push({ id: rejected, owner: s, kind: "PORTABILITY", state: "rejected" });
      const received = await fileOwn(s, i % 2 ? "ACCESS" : "PORTABILITY");
      held.push({ id: received, owner: s, kind: i % 2 ? "ACCESS" : "PORTABILITY", state: "received" });
      const verifiedKind = i % 2 ? "PORTABILITY" : "ACCESS";
      const open = await fileOwn(s, i % 2 ? verifiedKind : "ERASURE");
      if (i % 2) {
        await officerAct("verify", open);
        held.push({ id: open, owner: s, kind: verifiedKind, state: "verified" });
      } else {
        // an erasure, verified: no report, even to its subject
        await officerAct("verify", open);
        held.push({ id: open, owner: s, kind: "ERASURE", state: "verified" });
        const access = await fileOwn(subjects[7 + i]!, "ACCESS");
        await officerAct("verify", access);
        held.push({ id: access, owner: subjects[7 + i]!, kind: "ACCESS", state: "verified" });
      }
    }
    const everyone = [...readers, subjects[7]!, subjects[9]!];
    const headers = new Map<string, Record<string, string>>();
    for (const s of everyone) headers.set(s, await customer(gw, s));
    const unknownOf = async (query: string, h: Record<string, string>) =>
      refusal(await gw.post({ query, variables: { id: randomUUID() } }, h));

    let released = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...everyone),
        fc.constantFrom(...held),
        fc.boolean(),
        fc.boolean(),
        async (anyone, request, byOwner, asExport) => {
          const reader = byOwner ? request.owner : anyone;
          const h = headers.get(reader)!;
          const query = asExport ? SMALL_EXPORT : SMALL;
          const res = await gw.post({ query, variables: { id: request.id } }, h);
          const own = request.owner === reader;
          // completed less than 30 days ago: still the subject's to read (test/dsr/reportDelivery.test.ts)
          if (own && (request.state === "verified" || request.state === "completed") && request.kind !== "ERASURE") {
            expect(res.body.errors).toBeUndefined();
            const subjectId = asExport ? JSON.parse(res.body.data.portableExport).subjectId : res.body.data.accessReport.subjectId;
            expect(subjectId).toBe(reader);
            released++;
          } else if (own && request.kind === "ERASURE") {
            expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
          } else {
            expect(refusal(res)).toEqual(await unknownOf(query, h));
          }
          expect(res.body.data?.accessReport?.subjectId ?? reader).toBe(reader);
        },
      ),
      { numRuns: 80 },
    );
    expect(released).toBeGreaterThan(0);

    // no customer's read of anyone else was recorded
    const readsByCustomers = await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.callerKind, "customer"));
    expect(readsByCustomers.length).toBeGreaterThan(0);
    for (const r of readsByCustomers) expect(r.customerId).toBe(r.callerId);
  });
});
