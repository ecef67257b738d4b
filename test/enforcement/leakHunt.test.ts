import { afterAll, beforeAll, it } from "vitest";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { customers } from "../../src/db/schema/index.js";

let gw: TestGateway;
beforeAll(async () => { const t = Date.now(); gw = await startTestGateway({ customers: 30, canaries: true }); console.log("start ms", Date.now() - t); });
afterAll(async () => { await gw?.close(); });

it("scratch", async () => {
  const rows = await gw.database.db.select().from(customers);
  console.log(rows.slice(0, 3), rows.map((r) => r.status + r.residency).join(","));
  const q = `query Q @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { totalCount edges { node { id profile { fullName email phone address { line1 city country } username socialHandle } accounts { accountNumber } paymentMethods { cardToken brand lastFour billingAddress { line1 city } } visits(first: 1) { ipAddress userAgent page } } } } }`;
  const r = await gw.post({ query: q }, bearer(await gw.token("support_agent")));
  console.log(JSON.stringify(r.body, null, 1).slice(0, 6000));
  const q2 = `query Q @purpose(name: ANALYTICS) { customers(first: 2) { totalCount edges { node { id profile { fullName email address { line1 city country } username socialHandle socialLikes locationLatitude } accounts { accountNumber } visits(first: 1) { ipAddress userAgent page } } } } }`;
  const r2 = await gw.post({ query: q2 }, bearer(await gw.token("marketing_analyst")));
  console.log(JSON.stringify(r2.body, null, 1).slice(0, 6000));
  console.log(gw.logs.slice(0, 5));
});
