import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customer, FILE_FOR, officer, plainSubjects, rowsOf, staff, verified } from "./support.js";
import { partnerIdScope } from "../helpers/idScopes.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { admin } from "../partners/support.js";

/**
 * An erasure says what it did (per table: erased, anonymised, held and by which rule), and an
 * erasure or a rectification names the partners to notify (GDPR art. 19), in the completion's
 * answer and stored with the request. Over HTTP, checked against direct SQL taken before.
 */

let gw: TestGateway;
/** Active subjects no partner has read yet: what follows is the tests' doing alone. */
let unread: string[];
/** Of those, the ones with rows in every table (but partner links and requests, which the test adds). */
let full: string[];
const partners: { id: string; name: string; key: Record<string, string> }[] = [];

const OUTCOME = `outcome { tables { table erased anonymised held heldBy { rule retention reason } }
  recipients { partnerId name kind disclosures lastDisclosedAt coordinates } }`;
const COMPLETE = `mutation Complete($id: ID!) { completeSubjectRequest(id: $id) { id state ${OUTCOME} } }`;
const ONE = `query One($id: ID!) { subjectRequest(id: $id) { id ${OUTCOME} } }`;
const MINE = `query Mine { mySubjectRequests { id kind ${OUTCOME} } }`;

interface Outcome {
  tables: {
    table: string;
    erased: number;
    anonymised: number;
    held: number;
    heldBy: { rule: string; retention: string | null; reason: string }[];
  }[];
  recipients: {
    partnerId: string;
    name: string | null;
    kind: string | null;
    disclosures: number;
    lastDisclosedAt: string;
    coordinates: string[];
  }[];
}

/** What erasure does to each table (src/dsr/erasurePlan.ts and the retention schedule), written out here on purpose. */
const PLAN: Record<string, "erased" | "anonymised" | "held"> = {
  customers: "held",
  profiles: "anonymised",
  credentials: "erased",
  accounts: "anonymised",
  payment_methods: "erased",
  purchases: "held",
  preferences: "held",
  consent_events: "held",
  submitted_messages: "erased",
  visits: "erased",
  partner_links: "erased",
  subject_requests: "anonymised",
};
const HELD_BY: Record<string, string[]> = {
  customers: ["tombstone"],
  purchases: ["user.behavior.purchase_history"],
  preferences: ["user.privacy_preferences"],
  consent_events: ["user.privacy_preferences"],
};

/** The subject's rows per table, by direct SQL (subject_requests: those holding corrections, which erasure drops). */
async function countsOf(subject: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of Object.keys(PLAN)) {
    const where =
      table === "customers"
        ? sql`id = ${subject}`
        : table === "subject_requests"
          ? sql`customer_id = ${subject} and detail ? 'corrections'`
          : sql`customer_id = ${subject}`;
    counts[table] = rowsOf<{ n: number }>(
      await gw.database.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)} where ${where}`),
    )[0]!.n;
  }
  return counts;
}

/** From the disclosure log's rows, aggregated here: partners with a record about the subject that released something (or `coordinate`). */
async function logRecipients(subject: string, coordinate: string | null = null) {
  const rows = rowsOf<{ caller_id: string; recorded_at: string | Date; released: string[] }>(
    await gw.database.db.execute(sql`
    select caller_id, recorded_at, disclosed || masked || pseudonymized as released from disclosure_log
    where customer_id = ${subject} and caller_kind = 'partner'`),
  );
  const byPartner = new Map<string, { partnerId: string; disclosures: number; lastDisclosedAt: string; coordinates: string[] }>();
  for (const r of rows) {
    const released = r.released.filter((c) => coordinate === null || c === coordinate);
    if (released.length === 0) continue;
    const partnerId = r.caller_id.split("/")[0]!;
    const at = new Date(r.recorded_at).toISOString();
    const entry = byPartner.get(partnerId) ?? { partnerId, disclosures: 0, lastDisclosedAt: at, coordinates: [] };
    entry.disclosures += 1;
    if (at > entry.lastDisclosedAt) entry.lastDisclosedAt = at;
    entry.coordinates = [...new Set([...entry.coordinates, ...released])].sort();
    byPartner.set(partnerId, entry);
  }
  return [...byPartner.values()].sort((a, b) => a.partnerId.localeCompare(b.partnerId));
}

/** Partner `p` reads the subject's profile fields under customer support, by its own pairwise id. */
async function read(p: number, subject: string, fields = "fullName email") {
  const partner = partners[p]!;
  const id = partnerIdScope(gw, partner.id, "customer_support").external(subject);
  const res = await gw.post(
    { query: `query R($id: ID!) @purpose(name: CUSTOMER_SUPPORT) { customer(id: $id) { profile { ${fields} } } }`, variables: { id } },
    partner.key,
  );
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  expect(res.body.data.customer.profile).not.toBeNull();
}

async function complete(id: string): Promise<Outcome> {
  const res = await gw.post({ query: COMPLETE, variables: { id } }, await officer(gw));
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  expect(res.body.data.completeSubjectRequest.state).toBe("COMPLETED");
  return res.body.data.completeSubjectRequest.outcome;
}

const ids = (o: Outcome) => o.recipients.map((r) => r.partnerId).sort();

beforeAll(async () => {
  gw = await startTestGateway({ customers: 70, seed: 13 });
  const office = admin(gw);
  for (let i = 0; i < 4; i++) {
    const name = `Notified Partner ${i}`;
    const id = await office.createPartner({ name, kind: "SERVICE_PROVIDER", region: "EU" });
    await office.createGrant(id, {
      purposes: ["CUSTOMER_SUPPORT"],
      categories: ["user.name", "user.contact"],
      subjectScope: "ALL",
      regions: ["EU", "UK", "US", "CA", "CH", "BR"],
      transferBasis: "SCC-2021",
      requestsPerMinute: 100_000,
    });
    partners.push({ id, name, key: { "x-api-key": (await office.issueKey(id)).apiKey } });
  }
  const readBefore = new Set(
    rowsOf<{ id: string }>(
      await gw.database.db.execute(sql`select distinct customer_id::text as id from disclosure_log where caller_kind = 'partner'`),
    ).map((r) => r.id),
  );
  unread = (await plainSubjects(gw.database.db)).filter((s) => !readBefore.has(s));
  full = [];
  for (const s of unread) {
    const c = await countsOf(s);
    if (Object.entries(c).every(([t, n]) => t === "subject_requests" || t === "partner_links" || n > 0)) full.push(s);
  }
}, 120_000);
afterAll(async () => {
  await gw?.close();
});

describe("an erasure says what it did", () => {
  it("per table: the exact counts taken before, the held rows with their rule; the partners that read the subject; stored and read again", async () => {
    const subject = full[0];
    const other = unread.find((s) => s !== subject);
    expect(subject && other).toBeTruthy();
    const db = gw.database.db;
    await db.execute(
      sql`insert into partner_links (partner_id, customer_id) values (${partners[3]!.id}, ${subject}) on conflict do nothing`,
    );
    // an open rectification: its corrected values go with the erasure
    const open = await gw.post(
      { query: FILE_FOR, variables: { s: subject, k: "RECTIFICATION", d: { corrections: { displayName: "Left Open" } } } },
      await officer(gw),
    );
    expect(open.body.errors).toBeUndefined();
    await read(0, subject!);
    await read(0, subject!, "email");
    await read(1, subject!, "fullName");
    await read(2, other!); // another subject: not a recipient of this one's data
    // staff and the subject read it too: they are the controller and the subject, not recipients
    const support = await gw.post(
      { query: `query S($id: ID!) { customer(id: $id) { profile { fullName } } }`, variables: { id: subject } },
      await staff(gw, "support_agent", "customer_support"),
    );
    expect(support.body.data.customer.profile.fullName).not.toBeNull();
    expect((await gw.post({ query: `{ me { profile { email } } }` }, await customer(gw, subject!))).body.errors).toBeUndefined();

    const before = await countsOf(subject!);
    expect(
      Object.entries(before).every(([, n]) => n > 0),
      JSON.stringify(before),
    ).toBe(true);
    const expectedRecipients = await logRecipients(subject!);
    expect(expectedRecipients.map((r) => r.partnerId).sort()).toEqual([partners[0]!.id, partners[1]!.id].sort());

    const id = await verified(gw, subject!, "ERASURE");
    const outcome = await complete(id);

    expect([...outcome.tables].sort((a, b) => a.table.localeCompare(b.table))).toEqual(
      Object.keys(PLAN)
        .sort()
        .map((table) => ({
          table,
          erased: PLAN[table] === "erased" ? before[table] : 0,
          anonymised: PLAN[table] === "anonymised" ? before[table] : 0,
          held: PLAN[table] === "held" ? before[table] : 0,
          heldBy: (HELD_BY[table] ?? []).map((rule) => ({
            rule,
            retention: rule === "tombstone" ? null : expect.stringContaining("legal hold"),
            reason: expect.any(String),
          })),
        })),
    );
    // what the SQL says now agrees: erased rows are gone, the others are still there
    const after = await countsOf(subject!);
    for (const [table, what] of Object.entries(PLAN)) {
      expect(after[table], table).toBe(what === "erased" || table === "subject_requests" ? 0 : before[table]);
    }

    expect(outcome.recipients).toEqual(
      expectedRecipients.map((r) => ({
        ...r,
        name: partners.find((p) => p.id === r.partnerId)!.name,
        kind: "SERVICE_PROVIDER",
      })),
    );
    const [first, second] = [0, 1].map((p) => outcome.recipients.find((r) => r.partnerId === partners[p]!.id)!);
    expect(first).toMatchObject({ disclosures: 2, coordinates: expect.arrayContaining(["Profile.email", "Profile.fullName"]) });
    expect(second).toMatchObject({ disclosures: 1, coordinates: expect.arrayContaining(["Profile.fullName"]) });
    expect(second!.coordinates).not.toContain("Profile.email");

    // stored with the request: the privacy office reads it again, and so does the subject
    const again = await gw.post({ query: ONE, variables: { id } }, await officer(gw));
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.subjectRequest.outcome).toEqual(outcome);
    const mine = await gw.post({ query: MINE }, await customer(gw, subject!));
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data.mySubjectRequests.find((r: { id: string }) => r.id === id).outcome).toEqual(outcome);
    expect(mine.body.data.mySubjectRequests.find((r: { kind: string }) => r.kind === "RECTIFICATION").outcome).toBeNull();
    // the privacy office under another purpose does not
    const legal = await gw.post({ query: ONE, variables: { id } }, await officer(gw, "legal_compliance"));
    expect(legal.body.data?.subjectRequest?.outcome ?? null).toBeNull();
    expect(legal.body.errors[0].extensions.code).toBe("PURPOSE_NOT_ALLOWED");
    // the stored outcome holds no value of the subject: counts, rules, ids and coordinates
    const [stored] = rowsOf<{ detail: Record<string, unknown> }>(
      await db.execute(sql`select detail from subject_requests where id = ${id}`),
    );
    expect(Object.keys(stored!.detail)).toEqual(["outcome"]);
    expect(JSON.stringify(stored!.detail)).not.toMatch(/Left Open|@/);
  });

  it("generated: random partners read random subjects; erasing one names exactly the partners that read it", async () => {
    // Not the subjects the tests above read (the first one's `other` was read by a partner).
    const firstOther = unread.find((s) => s !== full[0]);
    const pool = unread.filter((s) => s !== full[0] && s !== full[1] && s !== firstOther);
    let next = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), { minLength: partners.length, maxLength: partners.length }),
        fc.integer({ min: 0, max: 2 }),
        async (reads, target) => {
          const subjects = pool.slice(next, next + 3);
          next += 3;
          expect(subjects).toHaveLength(3);
          for (const [p, row] of reads.entries()) {
            for (const [s, reads] of row.entries()) if (reads) await read(p, subjects[s]!);
          }
          const outcome = await complete(await verified(gw, subjects[target]!, "ERASURE"));
          const readers = partners
            .filter((_, p) => reads[p]![target])
            .map((p) => p.id)
            .sort();
          expect(ids(outcome)).toEqual(readers);
          expect(outcome.recipients.map(({ name: _n, kind: _k, ...r }) => r)).toEqual(await logRecipients(subjects[target]!));
          expect(outcome.recipients.every((r) => r.disclosures === 1 && r.coordinates.includes("Profile.fullName"))).toBe(true);
        },
      ),
      { numRuns: 6 },
    );
  });
});

describe("a rectification names the partners that received a corrected field", () => {
  it("those that read the corrected field, not those that read other fields of the subject", async () => {
    const subject = full[1]!;
    await read(0, subject, "email");
    await read(0, subject, "email");
    await read(1, subject, "fullName");
    await read(2, subject, "fullName email");
    const expected = await logRecipients(subject, "Profile.email");
    expect(expected.map((r) => r.partnerId).sort()).toEqual([partners[0]!.id, partners[2]!.id].sort());
    const id = await verified(gw, subject, "RECTIFICATION", { corrections: { email: "corrected@example.test" } });
    const outcome = await complete(id);
    expect(outcome.tables).toEqual([]);
    expect(outcome.recipients).toEqual(
      expected.map((r) => ({ ...r, name: partners.find((p) => p.id === r.partnerId)!.name, kind: "SERVICE_PROVIDER" })),
    );
    expect(outcome.recipients.map((r) => r.disclosures)).toEqual(expected.map((r) => (r.partnerId === partners[0]!.id ? 2 : 1)));
    const again = await gw.post({ query: ONE, variables: { id } }, await customer(gw, subject));
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.subjectRequest.outcome).toEqual(outcome);
  });
});
