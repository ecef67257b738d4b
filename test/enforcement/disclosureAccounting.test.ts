import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MyDisclosuresDocument } from "../generated/graphql.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 20 });
});
afterAll(async () => {
  await gw?.close();
});

describe("an accounting of disclosures", () => {
  it("shows a customer who read which of their categories, for what, without staff identities", async () => {
    const staff = bearer(await gw.token("support_agent", "agent-secret-id"));
    const page = await gw.post(
      {
        query: `query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { edges { node { id profile { email } accounts { accountNumber } } } } }`,
      },
      staff,
    );
    const id = page.body.data.customers.edges[0].node.id as string;
    const res = await gw.post({ query: print(MyDisclosuresDocument) }, bearer(await gw.token("customer", id)));
    expect(res.status).toBe(200);
    const seen = res.body.data.me.disclosures.find((d: { role: string }) => d.role === "support_agent");
    expect(seen).toMatchObject({
      callerKind: "staff",
      purpose: "CUSTOMER_SUPPORT",
      callerId: null,
      categories: ["user.account", "user.contact.email", "user.unique_id.account_number"],
      masked: ["Account.accountNumber"],
    });
    expect(JSON.stringify(res.body)).not.toContain("agent-secret-id");
  });

  it("lets the privacy office query the log by subject and purpose, and nobody else", async () => {
    const officer = { ...bearer(await gw.token("privacy_officer", "po-1")), "x-purpose": "legal_compliance" };
    const res = await gw.post(
      { query: `{ disclosureLog(filter: { purpose: CUSTOMER_SUPPORT }, first: 10) { subjectId callerId role purpose } }` },
      officer,
    );
    expect(res.status).toBe(200);
    expect(res.body.data.disclosureLog.length).toBeGreaterThan(0);
    for (const d of res.body.data.disclosureLog)
      expect(d).toMatchObject({ role: "support_agent", purpose: "CUSTOMER_SUPPORT", callerId: "agent-secret-id" });
    const support = await gw.post(
      { query: `query Q @purpose(name: CUSTOMER_SUPPORT) { disclosureLog { id } }` },
      bearer(await gw.token("support_agent")),
    );
    expect(support.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const other = await gw.post(
      { query: `query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { edges { node { disclosures { id } } } } }` },
      bearer(await gw.token("support_agent")),
    );
    expect(other.body.errors[0].extensions.code).toBe("FORBIDDEN");
  });
});
