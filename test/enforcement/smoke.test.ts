import { afterAll, beforeAll, expect, it } from "vitest";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

let gw: TestGateway;
beforeAll(async () => { gw = await startTestGateway(); });
afterAll(async () => { await gw?.close(); });

it("smoke", async () => {
  const t = await gw.token("support_agent");
  const r = await gw.post({ query: "query @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { totalCount edges { node { id profile { fullName email phone address { line1 city } } accounts { accountNumber } } } } }" }, bearer(t));
  console.log(JSON.stringify(r.body, null, 1).slice(0, 3000));
  const r2 = await gw.post({ query: "{ customers(first: 2) { totalCount } }" }, bearer(t));
  console.log(r2.status, JSON.stringify(r2.body));
  const r3 = await gw.post({ query: "query @purpose(name: MARKETING) { customers(first: 2) { totalCount } }" }, bearer(t));
  console.log(r3.status, JSON.stringify(r3.body));
  const m = await gw.token("marketing_analyst");
  const r4 = await gw.post({ query: "query @purpose(name: ANALYTICS) { customers(first: 3) { totalCount edges { node { profile { fullName email } visits(first: 1) { ipAddress page visitedAt device } } } } }" }, bearer(m));
  console.log(r4.status, JSON.stringify(r4.body).slice(0, 3000));
  console.log(gw.logs.slice(-5).join(""));
  expect(r.status).toBe(200);
});
