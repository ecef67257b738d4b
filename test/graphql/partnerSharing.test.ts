import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, notInArray } from "drizzle-orm";
import { print } from "graphql";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentEvents, customers, disclosureLog, PARTNER_SHARING_PURPOSE, visits } from "../../src/db/schema/index.js";
import type { DemoApiKey } from "../../src/db/seed/seed.js";
import { MyPartnerSharingDocument, SetMyPartnerSharingDocument } from "../generated/graphql.js";
import { partnerIdScope } from "../helpers/idScopes.js";
import { objectors, optedOutOf, subjectWithStatus } from "../helpers/subjects.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

/**
 * A customer's choice about sharing with one partner (consent events of purpose
 * third_party_sharing with partner_id), set and read through the API, and what it does: a third
 * party sees the subject after a grant and not on the very next request after a withdrawal.
 */

let gw: TestGateway;
let fabrikam: DemoApiKey; // third party, advertising on user.device, consented subjects, US
let northwind: DemoApiKey; // affiliate, marketing, consented subjects
let contoso: DemoApiKey; // service provider, linked subjects: its access does not rest on a choice
/** Active US subjects with visits whom Fabrikam may read but for their opt-in: no advertising opt-out, no objection. */
let candidates: string[];

beforeAll(async () => {
  gw = await startTestGateway({ customers: 60 });
  const byKind = (kind: DemoApiKey["kind"]) => gw.seeded.apiKeys.find((k) => k.kind === kind)!;
  [fabrikam, northwind, contoso] = [byKind("third_party"), byKind("affiliate"), byKind("service_provider")];
  const db = gw.database.db;
  const excluded = [...(await optedOutOf(db, "advertising")), ...(await objectors(db))];
  const rows = await db
    .selectDistinct({ id: customers.id })
    .from(customers)
    .innerJoin(visits, eq(visits.customerId, customers.id))
    .where(
      and(eq(customers.status, "active"), eq(customers.residency, "US"), excluded.length ? notInArray(customers.id, excluded) : undefined),
    )
    .orderBy(customers.id);
  candidates = rows.map((r) => r.id);
  expect(candidates.length).toBeGreaterThanOrEqual(3);
});
afterAll(async () => {
  await gw?.close();
});

const asCustomer = async (id: string) => bearer(await gw.token("customer", id));
const sharingOf = async (id: string) =>
  (await gw.post({ query: print(MyPartnerSharingDocument) }, await asCustomer(id))).body.data.me.partnerSharing as Array<
    Record<string, unknown>
  >;
const setSharing = async (id: string, partnerId: string, granted: boolean, headers?: Record<string, string>) =>
  gw.post({ query: print(SetMyPartnerSharingDocument), variables: { partnerId, granted } }, headers ?? (await asCustomer(id)));
const sharingEvents = (id: string, partnerId?: string) =>
  gw.database.db
    .select()
    .from(consentEvents)
    .where(
      and(
        eq(consentEvents.customerId, id),
        eq(consentEvents.purpose, PARTNER_SHARING_PURPOSE),
        partnerId ? eq(consentEvents.partnerId, partnerId) : undefined,
      ),
    );

const ADS = `query Ads($id: ID!) @purpose(name: ADVERTISING) { customer(id: $id) { id visits(first: 2) { device page } } }`;
/** Whether Fabrikam, over HTTP with its key, gets the subject's data (an invisible subject answers as an unknown id). */
async function fabrikamSees(subject: string): Promise<boolean> {
  const res = await gw.post(
    { query: ADS, variables: { id: partnerIdScope(gw, fabrikam.partnerId, "advertising").external(subject) } },
    { "x-api-key": fabrikam.apiKey },
  );
  expect(res.status).toBe(200);
  if (res.body.data.customer === null) {
    expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(["NOT_FOUND"]);
    return false;
  }
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data.customer.visits.length).toBeGreaterThan(0);
  return true;
}

describe("a customer's sharing with partners", () => {
  it("lists the partners whose access needs their opt-in, with their choice, and records the read as theirs", async () => {
    const [subject] = candidates;
    await gw.database.db
      .delete(consentEvents)
      .where(and(eq(consentEvents.customerId, subject!), eq(consentEvents.purpose, PARTNER_SHARING_PURPOSE)));
    const res = await gw.post({ query: print(MyPartnerSharingDocument) }, await asCustomer(subject!));
    const requestId = res.headers.get("x-request-id")!;
    expect(res.body.errors).toBeUndefined();
    const never = { optInRequired: true, choice: "NOT_CHOSEN", choiceRecordedAt: null, receivedCount: 0, lastReceivedAt: null };
    expect(res.body.data.me.partnerSharing).toEqual([
      { partnerId: fabrikam.partnerId, partnerName: "Fabrikam Ad Network", partnerKind: "THIRD_PARTY", ...never },
      { partnerId: northwind.partnerId, partnerName: "Northwind Rewards", partnerKind: "AFFILIATE", ...never },
    ]);
    const [record, ...more] = await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.requestId, requestId));
    expect(more).toEqual([]);
    expect(record).toMatchObject({ customerId: subject, callerKind: "customer", withheld: [] });
    expect(record!.disclosed).toEqual(
      expect.arrayContaining(["Customer.partnerSharing", "PartnerSharing.choice", "PartnerSharing.receivedCount"]),
    );
  });

  it("appends a consent event per change (purpose third_party_sharing, the partner, source web), none when nothing changes", async () => {
    const subject = candidates[1]!;
    await gw.database.db
      .delete(consentEvents)
      .where(and(eq(consentEvents.customerId, subject), eq(consentEvents.purpose, PARTNER_SHARING_PURPOSE)));
    const granted = await setSharing(subject, northwind.partnerId, true);
    expect(granted.body.errors).toBeUndefined();
    expect(granted.body.data.setPartnerSharing).toMatchObject({
      partnerId: northwind.partnerId,
      partnerName: "Northwind Rewards",
      choice: "GRANTED",
    });
    const again = await setSharing(subject, northwind.partnerId, true);
    expect(again.body.data.setPartnerSharing).toEqual(granted.body.data.setPartnerSharing);
    expect(await sharingEvents(subject)).toHaveLength(1);
    const withdrawn = await setSharing(subject, northwind.partnerId, false);
    expect(withdrawn.body.data.setPartnerSharing).toMatchObject({ choice: "WITHDRAWN" });
    const events = (await sharingEvents(subject)).sort((a, b) => +a.recordedAt - +b.recordedAt);
    expect(events.map(({ purpose, partnerId, granted, source }) => ({ purpose, partnerId, granted, source }))).toEqual(
      [true, false].map((granted) => ({
        purpose: PARTNER_SHARING_PURPOSE,
        partnerId: northwind.partnerId,
        granted,
        source: "web",
      })),
    );
    expect(new Date(withdrawn.body.data.setPartnerSharing.choiceRecordedAt).getTime()).toBe(events[1]!.recordedAt.getTime());
    // A partner whose access does not rest on the choice: recorded, and listed as such.
    await setSharing(subject, contoso.partnerId, false);
    expect((await sharingOf(subject)).find((s) => s.partnerId === contoso.partnerId)).toMatchObject({
      optInRequired: false,
      choice: "WITHDRAWN",
    });
  });

  it("answers an unknown partner id as NOT_FOUND without echoing it, and is for an active customer only", async () => {
    const subject = candidates[2]!;
    const before = (await sharingEvents(subject)).length;
    for (const partnerId of [randomUUID(), "zq91-not-a-partner"]) {
      const res = await setSharing(subject, partnerId, true);
      expect(res.body.errors[0].extensions.code).toBe("NOT_FOUND");
      expect(JSON.stringify(res.body)).not.toContain(partnerId);
    }
    const staff = await setSharing(subject, fabrikam.partnerId, true, {
      ...bearer(await gw.token("support_agent")),
      "x-purpose": "customer_support",
    });
    expect(staff.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const erased = await subjectWithStatus(gw.database.db, "erased");
    expect((await setSharing(erased, fabrikam.partnerId, true)).body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect(await sharingEvents(erased, fabrikam.partnerId)).toHaveLength(0);
    expect(await sharingEvents(subject)).toHaveLength(before);
  });

  it("is read by the customer, the privacy office and legal only: it names the partners that received their data", async () => {
    const subject = candidates[0]!;
    const query = (purpose: string) =>
      `query Q($id: ID!) @purpose(name: ${purpose}) { customer(id: $id) { partnerSharing { partnerName choice } } }`;
    for (const [coordinate, selection] of [
      ["Customer.partnerSharing", "partnerSharing { partnerName choice }"],
      ["Customer.disclosures", "disclosures { at }"],
    ] as const) {
      // refused as a whole before any SQL, listed as outside the caller's audience; hidden from its
      // introspection; and explainAccess says deny
      const before = gw.database.statements;
      const support = await gw.post(
        { query: `query Q($id: ID!) @purpose(name: CUSTOMER_SUPPORT) { customer(id: $id) { ${selection} } }`, variables: { id: subject } },
        bearer(await gw.token("support_agent")),
      );
      expect(support.body.data ?? null).toBeNull();
      expect(support.body.errors[0].extensions).toMatchObject({
        code: "FORBIDDEN",
        denied: expect.arrayContaining([expect.objectContaining({ coordinate, reason: "NOT_IN_AUDIENCE" })]),
      });
      expect(gw.database.statements).toBe(before);
      const fields = (
        await gw.post({ query: `{ __type(name: "Customer") { fields { name } } }` }, bearer(await gw.token("support_agent")))
      ).body.data.__type.fields.map((f: { name: string }) => f.name);
      expect(fields).toContain("profile");
      expect(fields).not.toContain(coordinate.split(".")[1]);
      const explained = await gw.post(
        {
          query: `query E($id: ID!) @purpose(name: CUSTOMER_SUPPORT) { explainAccess(coordinate: "${coordinate}", subjectId: $id) { effect reasonCode } }`,
          variables: { id: subject },
        },
        bearer(await gw.token("support_agent")),
      );
      expect(explained.body.data.explainAccess).toEqual({ effect: "DENY", reasonCode: "NOT_IN_AUDIENCE" });
    }
    // the fields of what only the accounting's audience reaches are theirs too
    for (const coordinate of ["PartnerSharing.partnerName", "Disclosure.partnerName"]) {
      const explained = await gw.post(
        {
          query: `query E($id: ID!) @purpose(name: CUSTOMER_SUPPORT) { explainAccess(coordinate: "${coordinate}", subjectId: $id) { effect reasonCode } }`,
          variables: { id: subject },
        },
        bearer(await gw.token("support_agent")),
      );
      expect(explained.body.data.explainAccess, coordinate).toEqual({ effect: "DENY", reasonCode: "NOT_IN_AUDIENCE" });
    }
    const legal = await gw.post({ query: query("LEGAL_COMPLIANCE"), variables: { id: subject } }, bearer(await gw.token("legal")));
    expect(legal.body.errors).toBeUndefined();
    expect(legal.body.data.customer.partnerSharing.length).toBeGreaterThan(0);
    const partner = await gw.post(
      {
        query: `query Q($id: ID!) @purpose(name: ADVERTISING) { customer(id: $id) { partnerSharing { partnerName } } }`,
        variables: { id: subject },
      },
      { "x-api-key": fabrikam.apiKey },
    );
    expect(partner.body.data?.customer?.partnerSharing ?? null).toBeNull();
    expect(JSON.stringify(partner.body)).not.toContain("Northwind");
  });

  it("a third party sees the subject after a grant and not on the very next request after a withdrawal, and the customer sees its receipts", async () => {
    const subject = candidates[0]!;
    const received = (await sharingOf(subject)).find((s) => s.partnerId === fabrikam.partnerId)!.receivedCount as number;
    expect((await setSharing(subject, fabrikam.partnerId, true)).body.data.setPartnerSharing.choice).toBe("GRANTED");
    expect(await fabrikamSees(subject)).toBe(true);
    expect(await fabrikamSees(subject)).toBe(true);
    expect((await setSharing(subject, fabrikam.partnerId, false)).body.data.setPartnerSharing.choice).toBe("WITHDRAWN");
    expect(await fabrikamSees(subject)).toBe(false);
    const entry = (await sharingOf(subject)).find((s) => s.partnerId === fabrikam.partnerId)!;
    expect(entry).toMatchObject({ choice: "WITHDRAWN", receivedCount: received + 2 });
    const [last] = await gw.database.db
      .select({ at: disclosureLog.recordedAt })
      .from(disclosureLog)
      .where(and(eq(disclosureLog.customerId, subject), eq(disclosureLog.callerKind, "partner")))
      .orderBy(desc(disclosureLog.recordedAt))
      .limit(1);
    expect(new Date(entry.lastReceivedAt as string).getTime()).toBe(last!.at.getTime());
  });

  it("after any sequence of grants and withdrawals, the third party sees the subject exactly when the last choice was a grant (generated)", async () => {
    const subjects = candidates.slice(0, 3);
    const events = async () =>
      (
        await gw.database.db
          .select()
          .from(consentEvents)
          .where(and(inArray(consentEvents.customerId, subjects), eq(consentEvents.partnerId, fabrikam.partnerId)))
      ).length;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...subjects), fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), async (subject, choices) => {
        let current = (await sharingOf(subject)).find((s) => s.partnerId === fabrikam.partnerId)!.choice;
        expect(await fabrikamSees(subject)).toBe(current === "GRANTED");
        const before = await events();
        let changes = 0;
        for (const granted of choices) {
          const choice = granted ? "GRANTED" : "WITHDRAWN";
          const res = await setSharing(subject, fabrikam.partnerId, granted);
          expect(res.body.data.setPartnerSharing.choice).toBe(choice);
          if (choice !== current) changes++;
          current = choice;
          expect(await fabrikamSees(subject)).toBe(granted);
        }
        expect((await events()) - before).toBe(changes);
      }),
      { numRuns: 12 },
    );
  });
});
