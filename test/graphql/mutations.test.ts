import { print } from "graphql";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profiles } from "../../src/db/schema/index.js";
import { CorrectMyProfileDocument, SetMyConsentDocument } from "../generated/graphql.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { subjectWithStatus } from "../helpers/subjects.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 30 });
});
afterAll(async () => {
  await gw?.close();
});

const profileOf = async (id: string) => (await gw.database.db.select().from(profiles).where(eq(profiles.customerId, id)))[0]!;

describe("a customer corrects their own data", () => {
  it("updates the given profile fields and returns them through enforcement", async () => {
    const id = await subjectWithStatus(gw.database.db, "active");
    const res = await gw.post(
      {
        query: print(CorrectMyProfileDocument),
        variables: {
          input: {
            fullName: "Ada Lovelace",
            email: "Ada@Example.com",
            address: { line1: "1 Main St", postalCode: "1000", city: "Brussels", country: "BE" },
          },
        },
      },
      bearer(await gw.token("customer", id)),
    );
    expect(res.status).toBe(200);
    expect(res.body.data.updateMyProfile).toMatchObject({
      fullName: "Ada Lovelace",
      email: "ada@example.com",
      address: { city: "Brussels", country: "BE" },
    });
    expect(await profileOf(id)).toMatchObject({ fullName: "Ada Lovelace", email: "ada@example.com", city: "Brussels", addressLine2: null });
  });

  it("rejects invalid input as a whole, naming fields and not values, writing nothing", async () => {
    const id = await subjectWithStatus(gw.database.db, "active");
    const before = await profileOf(id);
    const res = await gw.post(
      {
        query: print(CorrectMyProfileDocument),
        variables: { input: { fullName: "Valid Name", email: "not-an-email-zq91", phone: "call me" } },
      },
      bearer(await gw.token("customer", id)),
    );
    expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(res.body.errors[0].extensions.invalid.map((i: { field: string }) => i.field).sort()).toEqual(["email", "phone"]);
    expect(JSON.stringify(res.body)).not.toContain("zq91");
    expect(await profileOf(id)).toEqual(before);
  });

  it("staff cannot use the customer mutations, and an erased customer cannot write", async () => {
    const staff = await gw.post(
      { query: print(SetMyConsentDocument), variables: { purpose: "MARKETING", granted: false } },
      { ...bearer(await gw.token("support_agent")), "x-purpose": "customer_support" },
    );
    expect(staff.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const erased = await subjectWithStatus(gw.database.db, "erased");
    const res = await gw.post(
      { query: print(CorrectMyProfileDocument), variables: { input: { fullName: "Back Again" } } },
      bearer(await gw.token("customer", erased)),
    );
    expect(res.body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect((await profileOf(erased)).fullName).toBeNull();
  });
});

describe("a customer sets a consent", () => {
  it("appends an event for an opt-out purpose, and refuses purposes that rest on no consent", async () => {
    const id = await subjectWithStatus(gw.database.db, "active");
    const headers = bearer(await gw.token("customer", id));
    const off = await gw.post({ query: print(SetMyConsentDocument), variables: { purpose: "ANALYTICS", granted: false } }, headers);
    expect(off.body.data.setConsent).toMatchObject({ purpose: "analytics", granted: false, source: "web" });
    const on = await gw.post({ query: print(SetMyConsentDocument), variables: { purpose: "ANALYTICS", granted: true } }, headers);
    expect(on.body.data.setConsent).toMatchObject({ purpose: "analytics", granted: true });
    const bad = await gw.post({ query: print(SetMyConsentDocument), variables: { purpose: "PAYMENTS", granted: false } }, headers);
    expect(bad.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });
});
