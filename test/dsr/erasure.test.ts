import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCanaries } from "../../src/db/seed/canary.js";
import {
  accounts,
  consentEvents,
  credentials,
  customers,
  partnerLinks,
  paymentMethods,
  preferences,
  profiles,
  purchases,
  submittedMessages,
  visits,
} from "../../src/db/schema/index.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { act, customer, FILE_FOR, FILE_OWN, legalHold, officer, plainSubjects, REPORT, rowsOf, staff, verified } from "./support.js";

let gw: TestGateway;
let subject: string;
let tokens: string[];
let uniques: { table: string; column: string; value: string }[];
let purchasesBefore: { id: string; product: string | null; amountCents: number; currency: string; invoiceRef: string }[];
let consentsBefore: string[];
let preferencesBefore: unknown[];

/** Tables with a customer_id column, from the catalogue. */
async function subjectTables(): Promise<string[]> {
  const rows = rowsOf<{ table_name: string }>(
    await gw.database.db.execute(sql`select table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'customer_id' order by table_name`),
  );
  return rows.map((r) => r.table_name);
}

/** Every text, json and array column of every table, from the catalogue. */
async function textColumns(): Promise<Map<string, string[]>> {
  const rows = rowsOf<{ table_name: string; column_name: string }>(
    await gw.database.db.execute(sql`select table_name, column_name
    from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
    order by table_name, ordinal_position`),
  );
  const byTable = new Map<string, string[]>();
  for (const r of rows) byTable.set(r.table_name, [...(byTable.get(r.table_name) ?? []), r.column_name]);
  return byTable;
}

beforeAll(async () => {
  gw = await startTestGateway({ customers: 40, seed: 9, canaries: true });
  const db = gw.database.db;
  // the plain subject with the most canaries
  let best: { id: string; found: string[] } = { id: "", found: [] };
  for (const id of (await plainSubjects(db)).slice(0, 12)) {
    const found: string[] = [];
    for (const table of await subjectTables()) {
      const rows = rowsOf<{ r: string }>(
        await db.execute(sql`select t::text as r from ${sql.identifier(table)} t where customer_id = ${id}`),
      );
      for (const row of rows) found.push(...findCanaries(row.r));
    }
    if (found.length > best.found.length) best = { id, found };
  }
  subject = best.id;
  tokens = [...new Set(best.found)];
  const [profile] = await db.select().from(profiles).where(eq(profiles.customerId, subject));
  const cards = await db.select().from(paymentMethods).where(eq(paymentMethods.customerId, subject));
  const seen = await db.select().from(visits).where(eq(visits.customerId, subject));
  uniques = [
    ...(profile?.phone ? [{ table: "profiles", column: "phone", value: profile.phone }] : []),
    ...cards.flatMap((c) => (c.lastFour ? [{ table: "payment_methods", column: "last_four", value: c.lastFour }] : [])),
    ...seen.flatMap((v) => (v.ipAddress ? [{ table: "visits", column: "ip_address", value: v.ipAddress }] : [])),
  ];
  purchasesBefore = (await db.select().from(purchases).where(eq(purchases.customerId, subject))).map((p) => ({
    id: p.id,
    product: p.product,
    amountCents: p.amountCents,
    currency: p.currency,
    invoiceRef: p.invoiceRef,
  }));
  consentsBefore = (await db.select({ id: consentEvents.id }).from(consentEvents).where(eq(consentEvents.customerId, subject)))
    .map((c) => c.id)
    .sort();
  preferencesBefore = await db.select().from(preferences).where(eq(preferences.customerId, subject));
});
afterAll(async () => {
  await gw?.close();
});

describe("erasure", () => {
  it("changes nothing until completed, then leaves no canary of the subject anywhere but under legal hold", async () => {
    const db = gw.database.db;
    expect(tokens.length).toBeGreaterThan(15);
    // the customer files it; nothing happens while it is received or verified
    const filed = await gw.post({ query: FILE_OWN, variables: { k: "ERASURE" } }, await customer(gw, subject));
    expect(filed.body.errors).toBeUndefined();
    const id = filed.body.data.fileSubjectRequest.id;
    expect((await act(gw, "verify", id)).errors).toBeUndefined();
    expect((await db.select().from(customers).where(eq(customers.id, subject)))[0]!.status).toBe("active");
    expect((await db.select().from(visits).where(eq(visits.customerId, subject))).length).toBeGreaterThan(0);

    // legal-hold canaries (read before erasing): the only ones allowed to stay
    const held = new Set<string>();
    for (const [table, columns] of Object.entries(await legalHold())) {
      const list = sql.join(
        columns.map((c) => sql`coalesce(${sql.identifier(c)}::text, '')`),
        sql` || ' ' || `,
      );
      for (const r of rowsOf<{ r: string }>(
        await db.execute(sql`select ${list} as r from ${sql.identifier(table)} where customer_id = ${subject}`),
      )) {
        for (const t of findCanaries(r.r)) held.add(t);
      }
    }

    const done = await act(gw, "complete", id);
    expect(done.errors).toBeUndefined();
    expect(done.data.completeSubjectRequest.state).toBe("COMPLETED");

    // scan every text/json/array column of every table for the subject's canaries
    const left: string[] = [];
    for (const [table, columns] of await textColumns()) {
      const list = sql.join(
        columns.map((c) => sql`coalesce(${sql.identifier(c)}::text, '')`),
        sql` || ' ' || `,
      );
      for (const r of rowsOf<{ r: string }>(await db.execute(sql`select ${list} as r from ${sql.identifier(table)}`))) {
        for (const t of findCanaries(r.r)) if (tokens.includes(t) && !held.has(t)) left.push(`${table}: ${t}`);
      }
    }
    expect(left).toEqual([]);
    for (const u of uniques) {
      const n = rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from ${sql.identifier(u.table)} where ${sql.identifier(u.column)} = ${u.value}`),
      );
      expect(n[0]!.n, `${u.table}.${u.column} still holds the subject's value`).toBe(0);
    }

    // the tombstone, and what law keeps
    const [tomb] = await db.select().from(customers).where(eq(customers.id, subject));
    expect(tomb!.status).toBe("erased");
    expect(tomb!.erasedAt).toBeInstanceOf(Date);
    const kept = await db.select().from(purchases).where(eq(purchases.customerId, subject));
    expect(
      kept
        .map((p) => ({ id: p.id, product: p.product, amountCents: p.amountCents, currency: p.currency, invoiceRef: p.invoiceRef }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual([...purchasesBefore].sort((a, b) => a.id.localeCompare(b.id)));
    // proof of consent, held by law (the purge removes it three years after the erasure)
    expect(consentsBefore.length).toBeGreaterThan(0);
    expect(
      (await db.select({ id: consentEvents.id }).from(consentEvents).where(eq(consentEvents.customerId, subject))).map((c) => c.id).sort(),
    ).toEqual(consentsBefore);
    expect(await db.select().from(preferences).where(eq(preferences.customerId, subject))).toEqual(preferencesBefore);
    expect((await db.select().from(accounts).where(eq(accounts.customerId, subject))).every((a) => a.accountNumber === null)).toBe(true);
    const [profile] = await db.select().from(profiles).where(eq(profiles.customerId, subject));
    if (profile) {
      const { customerId: _c, updatedAt: _u, ...personal } = profile;
      expect(Object.values(personal).every((v) => v === null)).toBe(true);
    }
    for (const table of [credentials, paymentMethods, submittedMessages, visits, partnerLinks]) {
      expect(await db.select().from(table).where(eq(table.customerId, subject))).toEqual([]);
    }
    const events = rowsOf<{ from_state: string; note: string }>(
      await db.execute(sql`select from_state, note from subject_request_events
      where request_id = ${id} and to_state = 'completed' order by at, id`),
    );
    expect(events.map((e) => e.from_state)).toEqual(["verified", "completed"]);
    expect(events[0]!.note).toMatch(/^ERASED_ROWS:\d+$/);
    expect(events[1]!.note).toBe(`STORAGE_RECLAIMED:${gw.database.driver === "pglite" ? "vacuum_full" : "vacuum"}`);
  });

  it("then reads say erased, and no late write re-creates the subject", async () => {
    const db = gw.database.db;
    const me = await customer(gw, subject);
    const read = await gw.post({ query: `{ me { id status profile { fullName email } } }` }, me);
    // Nothing about an erased subject is disclosed, its status included: the reason says why.
    expect(read.body.data.me.status).toBeNull();
    const reasons = (read.body.errors ?? []).map((e: { extensions: { reason?: string } }) => e.extensions.reason);
    expect(reasons).toContain("ERASED");
    if (read.body.data.me.profile) {
      expect(read.body.data.me.profile).toEqual({ fullName: null, email: null });
      expect(reasons.every((r: string) => r === "ERASED")).toBe(true);
    }
    const support = await gw.post(
      { query: `query($id: ID!) { customer(id: $id) { id } }`, variables: { id: subject } },
      await staff(gw, "fraud_analyst", "fraud_prevention"),
    );
    expect(support.body.errors[0].extensions.code).toBe("NOT_FOUND");

    // late writes: profile, consent (directly and through GPC), new requests
    expect(
      (await gw.post({ query: `mutation { updateMyProfile(input: { fullName: "Back Again" }) { fullName } }` }, me)).body.errors[0]
        .extensions.code,
    ).toBe("FORBIDDEN");
    expect(
      (await gw.post({ query: `mutation { setConsent(purpose: MARKETING, granted: true) { granted } }` }, me)).body.errors[0].extensions
        .code,
    ).toBe("FORBIDDEN");
    await gw.post({ query: `{ me { id } }` }, { ...me, "sec-gpc": "1" });
    expect(
      (await gw.post({ query: FILE_OWN, variables: { k: "OBJECTION", d: { purposes: ["MARKETING"] } } }, me)).body.errors[0].extensions
        .code,
    ).toBe("FORBIDDEN");
    const rect = await gw.post(
      { query: FILE_FOR, variables: { s: subject, k: "RECTIFICATION", d: { corrections: { fullName: "Back Again" } } } },
      await officer(gw),
    );
    expect(rect.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "SUBJECT_ERASED" });
    expect(
      (await db.select({ id: consentEvents.id }).from(consentEvents).where(eq(consentEvents.customerId, subject))).map((c) => c.id).sort(),
    ).toEqual(consentsBefore);
    expect((await db.select().from(profiles).where(eq(profiles.customerId, subject)))[0]?.fullName ?? null).toBeNull();
    expect((await db.select().from(customers).where(eq(customers.id, subject)))[0]!.status).toBe("erased");

    // the access report says erased, and releases nothing
    const id = await verified(gw, subject, "ACCESS");
    const report = await gw.post({ query: REPORT, variables: { id } }, await officer(gw));
    expect(report.body.errors).toBeUndefined();
    expect(report.body.data.accessReport.subjectStatus).toBeNull(); // withheld, as every value (ERASED below)
    const entries = report.body.data.accessReport.entries as {
      withheld: boolean;
      reasonCode: string;
      value: string | null;
      table: string;
    }[];
    expect(entries.every((e) => e.withheld && e.value === null)).toBe(true);
    expect(entries.filter((e) => e.table !== "purchases" || e.reasonCode !== "NOT_DISCLOSED").every((e) => e.reasonCode === "ERASED")).toBe(
      true,
    );
    expect(findCanaries(JSON.stringify(report.body))).toEqual([]);
  });
});
