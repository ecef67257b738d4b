import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentEvents, customers } from "../../src/db/schema/index.js";
import { idScopeOf } from "../helpers/idScopes.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { act, checkIdentity, customer, FILE_OWN, fileFor, plainSubjects, staff } from "./support.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

let gw: TestGateway;
let subjects: string[];
beforeAll(async () => {
  gw = await startTestGateway({ customers: 40, seed: 5 });
  subjects = await plainSubjects(gw.database.db);
});
afterAll(async () => {
  await gw?.close();
});

const READ = `query($id: ID!) { customer(id: $id) { id profile { fullName } } }`;
const readAs = async (id: string, role: string, purpose: string) =>
  (await gw.post({ query: READ, variables: { id } }, await staff(gw, role, purpose))).body;

describe("restriction", () => {
  it("narrows later reads to the purposes that survive it, only once completed", async () => {
    const s = subjects[0]!;
    expect((await readAs(s, "support_agent", "customer_support")).data.customer.profile.fullName).toBeTruthy();
    const filed = await gw.post(
      { query: FILE_OWN, variables: { k: "RESTRICTION", d: { grounds: "UNLAWFUL_PROCESSING" } } },
      await customer(gw, s),
    );
    const id = filed.body.data.fileSubjectRequest.id;
    expect(filed.body.data.fileSubjectRequest.grounds).toBe("UNLAWFUL_PROCESSING");
    await act(gw, "verify", id);
    expect((await readAs(s, "support_agent", "customer_support")).data.customer.profile.fullName).toBeTruthy();
    expect((await act(gw, "complete", id)).errors).toBeUndefined();
    expect((await gw.database.db.select().from(customers).where(eq(customers.id, s)))[0]!.status).toBe("restricted");

    expect((await readAs(s, "support_agent", "customer_support")).errors[0].extensions.code).toBe("NOT_FOUND");
    expect((await readAs(s, "marketing_analyst", "marketing")).errors[0].extensions.code).toBe("NOT_FOUND");
    expect((await readAs(s, "fraud_analyst", "fraud_prevention")).data.customer.profile.fullName).toBeTruthy();
    expect((await readAs(s, "legal", "legal_compliance")).data.customer.profile.fullName).toBeTruthy();
  });
});

describe("objection", () => {
  const PAGE = `{ customers(first: 500) { totalCount edges { node { id } } } }`;
  const marketingPage = async () => {
    const res = await gw.post({ query: PAGE }, await staff(gw, "marketing_analyst", "marketing"));
    expect(res.body.errors).toBeUndefined();
    return {
      total: res.body.data.customers.totalCount as number,
      ids: res.body.data.customers.edges.map((e: { node: { id: string } }) => e.node.id) as string[],
    };
  };

  it("hides the subject from marketing pages and counts once completed, and records opt-outs from source dsr", async () => {
    const s = subjects[1]!;
    const before = await marketingPage();
    expect(before.ids).toContain(s);
    const id = await fileFor(gw, s, "OBJECTION", { purposes: ["MARKETING"] });
    await checkIdentity(gw, id);
    await act(gw, "verify", id);
    expect((await marketingPage()).ids).toContain(s);
    expect((await act(gw, "complete", id)).errors).toBeUndefined();
    const after = await marketingPage();
    expect(after.ids).not.toContain(s);
    expect(after.total).toBe(before.total - 1);
    // other purposes are untouched
    const analytics = await gw.post({ query: PAGE }, await staff(gw, "marketing_analyst", "analytics"));
    // (analytics answers with its own per-purpose ids)
    const analyticsIds = idScopeOf(gw, { kind: "staff", staffId: "x", role: "marketing_analyst" }, "analytics");
    expect(analytics.body.data.customers.edges.map((e: { node: { id: string } }) => analyticsIds.internal(e.node.id))).toContain(s);
    const events = await gw.database.db
      .select()
      .from(consentEvents)
      .where(and(eq(consentEvents.customerId, s), eq(consentEvents.purpose, "marketing")));
    expect(events.filter((e) => e.source === "dsr")).toEqual([
      expect.objectContaining({ granted: false, policyVersion: DEFAULT_POLICY.version, partnerId: null }),
    ]);
    const latest = events.sort((a, b) => b.recordedAt.getTime() - a.recordedAt.getTime())[0]!;
    expect(latest).toMatchObject({ granted: false, source: "dsr" });
  });
});
