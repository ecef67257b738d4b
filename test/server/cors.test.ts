import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 5, env: { CORS_ORIGINS: "https://app.example.com" } });
});
afterAll(async () => {
  await gw?.close();
});

describe("CORS for frontend apps", () => {
  it("answers a preflight from an allowed origin and names the headers a frontend sends", async () => {
    const res = await fetch(gw.url, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(res.headers.get("access-control-allow-headers")).toContain("x-purpose");
  });

  it("gives other origins no CORS headers, and a preflight executes nothing", async () => {
    const before = gw.database.statements;
    const res = await fetch(gw.url, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const post = await gw.post({ query: "{ me { id } }" }, { origin: "https://evil.example" });
    expect(post.headers.get("access-control-allow-origin")).toBeNull();
    expect(post.status).toBe(401);
    expect(gw.database.statements).toBe(before);
  });
});
