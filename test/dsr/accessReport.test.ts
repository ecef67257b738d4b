import { eq, getTableColumns, getTableName, isTable } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import * as tables from "../../src/db/schema/index.js";
import { disclosureLog, paymentMethods, profiles, visits } from "../../src/db/schema/index.js";
import { MAX_REPORT_PAGE_ROWS } from "../../src/dsr/accessReport.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { PERSONAL_COLUMNS } from "../../src/enforcement/personalColumns.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { readReportPages, type ReportEntry } from "../helpers/readReportPages.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { insertSubject } from "./heavySubject.js";
import { EXPORT, fileFor, isIdentityCheckRecord, officer, plainSubjects, REPORT, staff, verified } from "./support.js";

let gw: TestGateway;
let subjects: string[];
beforeAll(async () => {
  gw = await startTestGateway({ customers: 40, seed: 7 });
  subjects = await plainSubjects(gw.database.db);
});
afterAll(async () => {
  await gw?.close();
});

/** The subject's disclosure records, less those of the identity checks before verification. */
const logRows = async (db: Database, subject: string) =>
  (await db.select().from(disclosureLog).where(eq(disclosureLog.customerId, subject))).filter((r) => !isIdentityCheckRecord(r));

/**
 * What the report must hold, derived here from the data map and PERSONAL_COLUMNS and the
 * subject's actual rows: one (coordinate, row id) per non-null value of a column with a coordinate.
 */
async function expectedEntries(db: Database, subject: string): Promise<Map<string, unknown>> {
  const dataMap = getDataMap(await buildGatewaySchema());
  const byName = new Map<string, never>(
    (Object.values(tables) as unknown[]).filter((t) => isTable(t)).map((t) => [getTableName(t as never), t as never]),
  );
  const expected = new Map<string, unknown>();
  for (const [table, columns] of Object.entries(PERSONAL_COLUMNS)) {
    const t = byName.get(table)!;
    const cols = getTableColumns(t) as Record<string, { name: string }>;
    const keyOf = (name: string) => Object.entries(cols).find(([, c]) => c.name === name)![0];
    const subjectColumn = table === "customers" ? "id" : "customer_id"; // a subject's own row is the subject
    const rows = (await db
      .select()
      .from(t)
      .where(eq(cols[keyOf(subjectColumn)] as never, subject))) as Record<string, unknown>[];
    const idKey = "id" in cols ? "id" : keyOf("customer_id");
    for (const row of rows) {
      for (const [column, exposure] of Object.entries(columns)) {
        if (!("coordinate" in exposure)) continue;
        expect(dataMap.fields.has(exposure.coordinate), `${exposure.coordinate} is in the data map`).toBe(true);
        const value = row[keyOf(column)];
        if (value !== null && value !== undefined) expected.set(`${exposure.coordinate}@${String(row[idKey])}`, value);
      }
    }
  }
  return expected;
}

/** The subject with the most rows across the personal tables (visits, cards, messages...). */
async function richSubject(db: Database): Promise<string> {
  let best = subjects[0]!;
  let most = -1;
  for (const s of subjects.slice(0, 15)) {
    const n =
      (await db.select().from(visits).where(eq(visits.customerId, s))).length +
      10 * (await db.select().from(paymentMethods).where(eq(paymentMethods.customerId, s))).length;
    if (n > most) {
      most = n;
      best = s;
    }
  }
  return best;
}

describe("nothing is released before verification", () => {
  it("refuses the report and the export of a received request, and records no disclosure", async () => {
    const s = subjects.at(-1)!;
    const id = await fileFor(gw, s, "ACCESS");
    const before = (await logRows(gw.database.db, s)).length;
    const report = await gw.post({ query: REPORT, variables: { id } }, await officer(gw));
    expect(report.body.data).toBeNull();
    expect(report.body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN", reason: "REQUEST_NOT_VERIFIED" });
    const exported = await gw.post({ query: EXPORT, variables: { id } }, await officer(gw));
    expect(exported.body.errors[0].extensions.code).toBe("FORBIDDEN");
    // only the privacy office, only under subject_request
    expect(
      (await gw.post({ query: REPORT, variables: { id } }, await officer(gw, "legal_compliance"))).body.errors[0].extensions.code,
    ).toBe("PURPOSE_NOT_ALLOWED");
    expect(
      (await gw.post({ query: REPORT, variables: { id } }, await staff(gw, "legal", "legal_compliance"))).body.errors[0].extensions.code,
    ).toBe("FORBIDDEN");
    // a verified request of another kind has no report
    const erasure = await verified(gw, s, "ERASURE");
    expect((await gw.post({ query: REPORT, variables: { id: erasure } }, await officer(gw))).body.errors[0].extensions.code).toBe(
      "BAD_USER_INPUT",
    );
    expect((await logRows(gw.database.db, s)).length).toBe(before);
  });
});

describe("the access report of a verified request", () => {
  it("holds every personal value found through the data map, through the same decisions, with purposes, retention, source and recipients", async () => {
    const db = gw.database.db;
    const s = await richSubject(db);
    // a support read first: it must show up among the recipients
    const support = await gw.post(
      { query: `query($id: ID!) { customer(id: $id) { profile { fullName } } }`, variables: { id: s } },
      await staff(gw, "support_agent", "customer_support"),
    );
    expect(support.body.data.customer.profile.fullName).toBeTruthy();

    const id = await verified(gw, s, "ACCESS");
    const expected = await expectedEntries(db, s);
    expect(expected.size).toBeGreaterThan(20);
    const res = await gw.post({ query: REPORT, variables: { id } }, await officer(gw));
    expect(res.body.errors).toBeUndefined();
    const report = res.body.data.accessReport;
    expect(report).toMatchObject({ requestId: id, subjectId: s, subjectStatus: "ACTIVE" });
    const entries = report.entries as ReportEntry[];
    const got = new Map(entries.filter((e) => e.coordinate !== null).map((e) => [`${e.coordinate}@${e.rowId}`, e]));
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());

    const [profile] = await db.select().from(profiles).where(eq(profiles.customerId, s));
    const entry = (coordinate: string) => entries.find((e) => e.coordinate === coordinate)!;
    expect(entry("Profile.email")).toMatchObject({
      value: profile!.email,
      withheld: false,
      effect: "ALLOW",
      category: "user.contact.email",
      table: "profiles",
      source: "provided by the subject",
    });
    expect(entry("Profile.email").purposes).toContain("subject_request");
    expect(entry("Profile.email").purposes).not.toContain("research");
    expect(typeof entry("Profile.email").retention).toBe("string");
    // card data is masked for subject_request, as for any read
    const [card] = await db.select().from(paymentMethods).where(eq(paymentMethods.customerId, s));
    if (card) {
      const token = entries.find((e) => e.coordinate === "PaymentMethod.cardToken" && e.rowId === card.id)!;
      expect(token.effect).toBe("MASK");
      expect(token.value).not.toBe(card.cardToken);
      expect(entries.find((e) => e.coordinate === "PaymentMethod.brand" && e.rowId === card.id)!.value).toBe(card.brand);
    }
    const visit = entries.find((e) => e.table === "visits");
    if (visit) expect(visit.source).toBe("collected automatically");
    // non-strings are JSON text
    const likes = entries.find((e) => e.coordinate === "Profile.socialLikes");
    if (likes) expect(JSON.parse(likes.value!)).toEqual(profile!.socialLikes);
    // columns never exposed are reported as held, not released
    for (const e of entries.filter((x) => x.coordinate === null))
      expect(e).toMatchObject({ withheld: true, value: null, reasonCode: "NOT_DISCLOSED" });

    expect(report.recipients).toContainEqual(
      expect.objectContaining({ callerKind: "staff", role: "support_agent", partnerId: null, purposes: ["customer_support"] }),
    );

    // the reads are in the disclosure log, under subject_request, coordinates only
    const rows = (await logRows(db, s)).filter((r) => r.purpose === "subject_request");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.role).toBe("privacy_officer");
    expect(rows[0]!.disclosed).toContain("Profile.email");
    if (card) expect(rows[0]!.masked).toContain("PaymentMethod.cardToken");
    expect(JSON.stringify(rows[0])).not.toContain(profile!.email!);
  });

  it("tags its disclosure records with the subject request id", async () => {
    const s = subjects[3]!;
    const id = await verified(gw, s, "ACCESS");
    expect((await gw.post({ query: REPORT, variables: { id } }, await officer(gw))).body.errors).toBeUndefined();
    const rows = (await logRows(gw.database.db, s)).filter((r) => r.purpose === "subject_request");
    expect(rows.map((r) => r.subjectRequestId)).toEqual([id]);
  });

  it("exports the same content as one JSON document for portability", async () => {
    const db = gw.database.db;
    const s = subjects[4]!;
    const id = await verified(gw, s, "PORTABILITY");
    const res = await gw.post({ query: EXPORT, variables: { id } }, await officer(gw));
    expect(res.body.errors).toBeUndefined();
    const doc = JSON.parse(res.body.data.portableExport);
    expect(doc).toMatchObject({ format: "privacy-gateway/subject-export@1", requestId: id, subjectId: s, subjectStatus: "active" });
    const expected = await expectedEntries(db, s);
    const got = (doc.entries as { coordinate: string | null; rowId: string }[])
      .filter((e) => e.coordinate !== null)
      .map((e) => `${e.coordinate}@${e.rowId}`);
    expect(got.sort()).toEqual([...expected.keys()].sort());
    const [profile] = await db.select().from(profiles).where(eq(profiles.customerId, s));
    expect(doc.data.profiles[0]["Profile.email"]).toBe(profile!.email);
    expect(doc.categories["user.contact.email"].purposes).toContain("subject_request");
    const logged = (await logRows(db, s)).filter((r) => r.purpose === "subject_request");
    expect(logged).toHaveLength(1);
  });
});

describe("a report too large for one response", () => {
  const PAGED = `query Paged($id: ID!, $first: Int!, $after: String) { accessReport(requestId: $id, first: $first, after: $after) {
    sections { table source rows } entries { coordinate table rowId value } pageInfo { hasNextPage endCursor } } }`;

  it("pages by rows in table and row order: the pages together hold every value once, each page a bounded number of statements", async () => {
    const db = gw.database.db;
    const s = await insertSubject(db, { lists: { visits: 1200, purchases: 30, messages: 5, accounts: 3, paymentMethods: 2, consents: 4 } });
    const id = await verified(gw, s, "ACCESS");
    const pages = await readReportPages(gw, PAGED, { id, first: 500 }, await officer(gw));
    const seen: string[] = [];
    for (const { report } of pages) {
      const entries = report.entries as ReportEntry[];
      expect(report.sections).toContainEqual({ table: "visits", source: "collected automatically", rows: 1200 });
      expect(new Set(entries.map((e) => `${e.table}/${e.rowId}`)).size).toBeLessThanOrEqual(500);
      seen.push(...entries.filter((e) => e.coordinate !== null).map((e) => `${e.coordinate}@${e.rowId}`));
    }
    // 1 profile + 1 preferences + 3 + 2 + 30 + 4 + 5 + 1200 rows = 1246 rows: three pages of 500
    expect(pages).toHaveLength(3);
    expect(seen).toHaveLength(new Set(seen).size);
    expect(seen.sort()).toEqual([...(await expectedEntries(db, s)).keys()].sort());
    // at most one statement per table on a page, whatever the subject holds
    expect(Math.max(...pages.map((p) => p.statements))).toBeLessThan(25);
    const logged = (await logRows(db, s)).filter((r) => r.purpose === "subject_request");
    expect(logged.map((r) => r.subjectRequestId)).toEqual([id, id, id]);
  });

  it("refuses a cursor it did not issue and a page size out of range, releasing nothing", async () => {
    const s = subjects[5]!;
    const id = await verified(gw, s, "ACCESS");
    const before = (await logRows(gw.database.db, s)).length;
    // a small selection, so that the query cost limit (which also bounds `first`) lets each reach the resolver
    const SMALL = `query Small($id: ID!, $first: Int!, $after: String) { accessReport(requestId: $id, first: $first, after: $after) { pageInfo { hasNextPage } } }`;
    for (const variables of [
      { id, first: 10, after: "bm90LWEtY3Vyc29y" },
      { id, first: 0 },
      { id, first: MAX_REPORT_PAGE_ROWS + 1 },
    ]) {
      const res = await gw.post({ query: SMALL, variables }, await officer(gw));
      expect(res.body.data).toBeNull();
      expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    }
    expect((await logRows(gw.database.db, s)).length).toBe(before);
  });

  it("pages the portable export the same way", async () => {
    const s = await insertSubject(gw.database.db, { lists: { visits: 40 } });
    const id = await verified(gw, s, "PORTABILITY");
    const page = async (after: string | null) => {
      const res = await gw.post(
        { query: `query($id: ID!, $after: String) { portableExport(requestId: $id, first: 25, after: $after) }`, variables: { id, after } },
        await officer(gw),
      );
      expect(res.body.errors).toBeUndefined();
      return JSON.parse(res.body.data.portableExport);
    };
    const one = await page(null);
    expect(one.page.hasNextPage).toBe(true);
    const two = await page(one.page.endCursor);
    expect(two.page).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
    const visitRows = [...one.data.visits, ...two.data.visits].map((r: { rowId: string }) => r.rowId);
    expect(new Set(visitRows).size).toBe(40);
    expect(one.sections).toContainEqual({ table: "visits", source: "collected automatically", rows: 40 });
  });
});
