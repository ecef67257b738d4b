import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

/**
 * Queries over GET (urql's default, GET persisted operations, docs/partners.md) pass when the request
 * carries its credentials in `authorization` or `x-api-key`: headers a browser cannot send
 * cross-site without a CORS preflight, so they stand in for Apollo's preflight headers. What a
 * browser can send without a preflight is still refused before anything executes, and a
 * mutation over GET is refused whatever it carries (GraphQL over HTTP).
 */

let gw: TestGateway;
let staff: Record<string, string>;
let partnerKey: string;

const QUERY = "query Page @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { totalCount } }";
const MUTATION = "mutation M @purpose(name: ACCOUNT_MANAGEMENT) { setConsent(purpose: MARKETING, granted: false) { granted } }";

beforeAll(async () => {
  gw = await startTestGateway();
  staff = bearer(await gw.token("support_agent"));
  partnerKey = gw.seeded.apiKeys.find((k) => k.kind === "service_provider")!.apiKey;
});
afterAll(async () => {
  await gw?.close();
});

async function get(query: string, headers: Record<string, string> = {}) {
  const url = new URL(gw.url);
  url.searchParams.set("query", query);
  const res = await fetch(url, { headers });
  return { status: res.status, allow: res.headers.get("allow"), body: (await res.json()) as any };
}

async function statementsRun(): Promise<number> {
  const text = await (await fetch(new URL("/metrics", gw.url))).text();
  return Number(/^gateway_sql_statements_per_request_sum (\S+)/m.exec(text)?.[1] ?? 0);
}

describe("GET queries", () => {
  it("pass with a bearer token and no other header", async () => {
    const res = await get(QUERY, staff);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { customers: { totalCount: expect.any(Number) } } });
  });

  it("pass with a partner's API key and no other header", async () => {
    const res = await get("query Mine @purpose(name: CUSTOMER_SUPPORT) { myGrant { purposes } }", { "x-api-key": partnerKey });
    expect(res.status).toBe(200);
    expect(res.body.data.myGrant.purposes).toContain("CUSTOMER_SUPPORT");
  });

  it("a mutation over GET is refused with 405 and `Allow: POST`, credentials and all, before any SQL", async () => {
    const before = await statementsRun();
    const res = await get(MUTATION, staff);
    expect(await statementsRun()).toBe(before);
    expect(res.status).toBe(405);
    expect(res.allow).toBe("POST");
    expect(res.body.errors[0].extensions.code).toBe("BAD_REQUEST");
  });
});

describe("what a browser sends cross-site without a preflight is refused before execution", () => {
  const simple: [string, RequestInit & { search?: string }][] = [
    ["a GET without credentials", { method: "GET", search: `?query=${encodeURIComponent(QUERY)}` }],
    ["a text/plain POST", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ query: QUERY }) }],
    [
      "a form POST",
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `query=${encodeURIComponent(QUERY)}` },
    ],
    [
      "a multipart POST",
      {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=x" },
        body: `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${QUERY}\r\n--x--`,
      },
    ],
  ];
  for (const [name, { search = "", ...init }] of simple) {
    it(name, async () => {
      const before = await statementsRun();
      const res = await fetch(`${gw.url}${search}`, init);
      expect(res.status, name).toBeGreaterThanOrEqual(400);
      expect(res.status, name).toBeLessThan(500);
      expect(((await res.json()) as any).data, name).toBeUndefined();
      expect(await statementsRun(), name).toBe(before);
    });
  }
});
