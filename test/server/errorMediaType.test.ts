import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partnerGrants } from "../../src/db/schema/index.js";
import { responseMediaType } from "../../src/server/errorResponse.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

/**
 * The gateway's own errors (those that end a request before or instead of Apollo's answer) follow
 * the request's Accept as Apollo's answers do (GraphQL over HTTP): a client that prefers
 * `application/graphql-response+json` (Apollo Client 4) gets it, and reads the error body
 * whatever the status; others get `application/json`. A 405 names the methods in `Allow`.
 */

const GRAPHQL_RESPONSE = "application/graphql-response+json; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";
/** What Apollo Client 4 sends. */
const APOLLO_CLIENT_ACCEPT = "application/graphql-response+json,application/json;q=0.9";

describe("responseMediaType", () => {
  it.each([
    [undefined, JSON_TYPE],
    ["", JSON_TYPE],
    ["*/*", JSON_TYPE],
    ["application/json", JSON_TYPE],
    ["application/graphql-response+json", GRAPHQL_RESPONSE],
    [APOLLO_CLIENT_ACCEPT, GRAPHQL_RESPONSE],
    ["application/graphql-response+json, application/json", GRAPHQL_RESPONSE],
    ["application/json, application/graphql-response+json", JSON_TYPE],
    ["application/json;q=0.5, application/graphql-response+json;q=0.8", GRAPHQL_RESPONSE],
    ["application/graphql-response+json, */*;q=0.1", GRAPHQL_RESPONSE],
    ["application/graphql-response+json;q=0, application/json", JSON_TYPE],
    ["application/*, application/graphql-response+json;q=0.5", JSON_TYPE],
    ["text/html", JSON_TYPE],
  ])("Accept %j -> %s", (accept, expected) => {
    expect(responseMediaType(accept)).toBe(expected);
  });
});

describe("over HTTP", () => {
  let gw: TestGateway;
  let staff: Record<string, string>;
  let partner: { partnerId: string; apiKey: string };

  beforeAll(async () => {
    gw = await startTestGateway({ env: { MAX_BODY_BYTES: "2048" } });
    staff = bearer(await gw.token("support_agent"));
    partner = gw.seeded.apiKeys.find((k) => k.kind === "third_party")!;
    await gw.database.db.update(partnerGrants).set({ requestsPerMinute: 1 }).where(eq(partnerGrants.partnerId, partner.partnerId));
  });
  afterAll(async () => {
    await gw?.close();
  });

  const json = { "content-type": "application/json" };
  const body = JSON.stringify({ query: "{ __typename }" });
  const refusals: [string, number, string, (accept: Record<string, string>) => [string, RequestInit]][] = [
    ["no credentials", 401, "UNAUTHENTICATED", (a) => ["/graphql", { method: "POST", headers: { ...json, ...a }, body }]],
    ["PUT", 405, "METHOD_NOT_ALLOWED", (a) => ["/graphql", { method: "PUT", headers: { ...json, ...a, ...staff }, body }]],
    [
      "a text/plain body",
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      (a) => ["/graphql", { method: "POST", headers: { "content-type": "text/plain", ...a, ...staff }, body }],
    ],
    ["bad JSON", 400, "BAD_REQUEST", (a) => ["/graphql", { method: "POST", headers: { ...json, ...a, ...staff }, body: "{" }]],
    [
      "a body over MAX_BODY_BYTES",
      413,
      "PAYLOAD_TOO_LARGE",
      (a) => [
        "/graphql",
        { method: "POST", headers: { ...json, ...a, ...staff }, body: JSON.stringify({ query: `{ __typename } #${"x".repeat(4096)}` }) },
      ],
    ],
    ["an unknown route", 404, "ROUTE_NOT_FOUND", (a) => ["/nowhere", { method: "GET", headers: a }]],
  ];

  for (const [name, status, code, request] of refusals) {
    it(`${name}: ${status} ${code}, in the media type the Accept asks for`, async () => {
      for (const [accept, type] of [
        [{}, JSON_TYPE],
        [{ accept: "application/json" }, JSON_TYPE],
        [{ accept: APOLLO_CLIENT_ACCEPT }, GRAPHQL_RESPONSE],
        [{ accept: "application/graphql-response+json" }, GRAPHQL_RESPONSE],
      ] as const) {
        const [path, init] = request(accept);
        const res = await fetch(new URL(path, gw.url), init);
        expect(res.status, `${name} ${JSON.stringify(accept)}`).toBe(status);
        expect(res.headers.get("content-type"), `${name} ${JSON.stringify(accept)}`).toBe(type);
        expect(((await res.json()) as any).errors[0].extensions.code).toBe(code);
      }
    });
  }

  it("429 follows the Accept too", async () => {
    const send = (accept: string) =>
      fetch(gw.url, { method: "POST", headers: { ...json, accept, "x-api-key": partner.apiKey, "x-purpose": "advertising" }, body });
    await send("application/json");
    const res = await send(APOLLO_CLIENT_ACCEPT);
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe(GRAPHQL_RESPONSE);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe("RATE_LIMITED");
  });

  it("503 (the database unreachable) follows the Accept too", async () => {
    const counting = gw.database.counting;
    gw.database.counting = () => {
      throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    };
    try {
      const res = await fetch(gw.url, { method: "POST", headers: { ...json, ...staff, accept: APOLLO_CLIENT_ACCEPT }, body });
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toBe(GRAPHQL_RESPONSE);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
    } finally {
      gw.database.counting = counting;
    }
  });

  it("405 carries `Allow`: GET, POST on /graphql; GET, HEAD on /metrics", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const res = await fetch(gw.url, { method, headers: staff });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, POST");
    }
    const metrics = await fetch(new URL("/metrics", gw.url), { method: "POST" });
    expect(metrics.status).toBe(405);
    expect(metrics.headers.get("allow")).toBe("GET, HEAD");
  });
});
