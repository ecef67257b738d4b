import { count, eq } from "drizzle-orm";
import { print } from "graphql";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTACT_CHANNELS, consentEvents, customers, disclosureLog, preferences } from "../../src/db/schema/index.js";
import { UpdateMyPreferencesDocument } from "../generated/graphql.js";
import { subjectWithStatus } from "../helpers/subjects.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 30 });
});
afterAll(async () => {
  await gw?.close();
});

const COLUMNS = {
  emailNewsletter: preferences.emailNewsletter,
  smsOffers: preferences.smsOffers,
  postalMail: preferences.postalMail,
  preferredChannel: preferences.preferredChannel,
};
const stored = async (id: string) => (await gw.database.db.select(COLUMNS).from(preferences).where(eq(preferences.customerId, id)))[0];
const consentCount = async (id: string) =>
  (await gw.database.db.select({ n: count() }).from(consentEvents).where(eq(consentEvents.customerId, id)))[0]!.n;

async function update(id: string, input: Record<string, unknown>) {
  return gw.post({ query: print(UpdateMyPreferencesDocument), variables: { input } }, bearer(await gw.token("customer", id)));
}

describe("a customer changes their communication preferences", () => {
  it("changes only the fields given, records no consent event, and returns the row decided and recorded as the customer's read", async () => {
    const id = await subjectWithStatus(gw.database.db, "active");
    const before = (await stored(id))!;
    const events = await consentCount(id);
    const res = await update(id, { smsOffers: !before.smsOffers, preferredChannel: "POST" });
    const requestId = res.headers.get("x-request-id")!;
    expect(res.body.errors).toBeUndefined();
    const after = { ...before, smsOffers: !before.smsOffers, preferredChannel: "post" };
    expect(res.body.data.updateMyPreferences).toMatchObject(after);
    expect(await stored(id)).toEqual(after);
    expect(await consentCount(id)).toBe(events);
    const [record, ...more] = await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.requestId, requestId));
    expect(more).toEqual([]);
    expect(record).toMatchObject({ customerId: id, callerKind: "customer", purpose: "account_management", withheld: [] });
    expect(record!.disclosed).toEqual([
      "Preferences.emailNewsletter",
      "Preferences.postalMail",
      "Preferences.preferredChannel",
      "Preferences.smsOffers",
      "Preferences.updatedAt",
    ]);
  });

  it("clears the channel with null, and creates the row of a customer who had none", async () => {
    const id = await subjectWithStatus(gw.database.db, "active");
    await update(id, { preferredChannel: "EMAIL" });
    expect((await update(id, { preferredChannel: null })).body.data.updateMyPreferences.preferredChannel).toBeNull();
    expect((await stored(id))!.preferredChannel).toBeNull();
    await gw.database.db.delete(preferences).where(eq(preferences.customerId, id));
    const res = await update(id, { emailNewsletter: true });
    expect(res.body.data.updateMyPreferences).toMatchObject({
      emailNewsletter: true,
      smsOffers: false,
      postalMail: false,
      preferredChannel: null,
    });
    expect(await stored(id)).toEqual({ emailNewsletter: true, smsOffers: false, postalMail: false, preferredChannel: null });
  });

  it("refuses an empty input, a null opt-in and an unknown channel, writing nothing and echoing nothing", async () => {
    const id = await subjectWithStatus(gw.database.db, "active");
    const before = await stored(id);
    const empty = await update(id, {});
    expect(empty.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const nulls = await update(id, { emailNewsletter: null, postalMail: null, smsOffers: true });
    expect(nulls.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(nulls.body.errors[0].extensions.invalid.map((i: { field: string }) => i.field)).toEqual(["emailNewsletter", "postalMail"]);
    const unknown = await update(id, { preferredChannel: "PIGEONzq91" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(unknown.body)).not.toContain("zq91");
    expect(await stored(id)).toEqual(before);
  });

  it("is for an active customer only: not staff, not an erased customer", async () => {
    const staff = await gw.post(
      { query: print(UpdateMyPreferencesDocument), variables: { input: { smsOffers: true } } },
      { ...bearer(await gw.token("support_agent")), "x-purpose": "customer_support" },
    );
    expect(staff.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const erased = await subjectWithStatus(gw.database.db, "erased");
    const before = await stored(erased);
    expect((await update(erased, { smsOffers: true })).body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect(await stored(erased)).toEqual(before);
  });

  it("ends, after any sequence of partial changes, with each field as last given (generated)", async () => {
    const [, id] = await gw.database.db
      .select({ id: customers.id })
      .from(customers)
      .where(eq(customers.status, "active"))
      .orderBy(customers.id)
      .limit(2)
      .then((rows) => rows.map((r) => r.id));
    const optIn = fc.option(fc.boolean(), { nil: undefined });
    const change = fc
      .record({
        emailNewsletter: optIn,
        smsOffers: optIn,
        postalMail: optIn,
        preferredChannel: fc.option(fc.option(fc.constantFrom(...CONTACT_CHANNELS), { nil: null }), { nil: undefined }),
      })
      .filter((c) => Object.values(c).some((v) => v !== undefined));
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 4 }), async (changes) => {
        const model = { ...(await stored(id!))! };
        for (const c of changes) {
          const given = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
          const res = await update(id!, {
            ...given,
            ...(typeof c.preferredChannel === "string" ? { preferredChannel: c.preferredChannel.toUpperCase() } : {}),
          });
          expect(res.body.errors).toBeUndefined();
          Object.assign(model, given);
          expect(res.body.data.updateMyPreferences).toMatchObject(model);
        }
        expect(await stored(id!)).toEqual(model);
      }),
      { numRuns: 15 },
    );
  });
});
