import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/** Health routes and request ids, over real HTTP (DESIGN.md section 3; createGateway.ts). */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let gw: TestGateway;
const at = (path: string) => new URL(path, gw.url).toString();

beforeAll(async () => {
  gw = await startTestGateway({ customers: 20 });
});

afterAll(async () => {
  await gw?.close();
});

describe("GET /healthz", () => {
  it("answers 200 {status: ok} without credentials", async () => {
    const res = await fetch(at("/healthz"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("does not touch the database", async () => {
    const before = gw.database.statements;
    const res = await fetch(at("/healthz"));
    await res.text();
    expect(res.status).toBe(200);
    expect(gw.database.statements).toBe(before);
  });

  it("ignores a query string", async () => {
    const res = await fetch(at("/healthz?probe=1"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describe("GET /readyz", () => {
  it("answers 200 when the database answers, without credentials, with the version of the policy it serves", async () => {
    const res = await fetch(at("/readyz"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: "ready", policy: DEFAULT_POLICY.version });
  });
});

describe("x-request-id", () => {
  it("echoes a well-formed id the caller sends (a UUID, or hex such as a W3C trace id)", async () => {
    for (const id of ["6f9619ff-8b86-d011-b42d-00cf4fc964ff", "4bf92f3577b34da6a3ce929d0e0e4736"]) {
      const res = await fetch(at("/healthz"), { headers: { "x-request-id": id } });
      await res.text();
      expect(res.headers.get("x-request-id")).toBe(id);
    }
    const id = "0af7651916cd43dd8448eb211c80319c";
    for (const path of ["/healthz", "/readyz", "/graphql", "/nowhere"]) {
      const res = await fetch(at(path), { headers: { "x-request-id": id } });
      await res.text();
      expect(res.headers.get("x-request-id"), path).toBe(id);
    }
  });

  it("echoes the id on a GraphQL POST too, even one rejected for missing credentials", async () => {
    const res = await gw.post({ query: "{ __typename }" }, { "x-request-id": "00000000-0000-4000-8000-0000000c1e57" });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-request-id")).toBe("00000000-0000-4000-8000-0000000c1e57");
  });

  it("accepts an id of exactly 64 characters", async () => {
    const id = "a".repeat(64);
    const res = await fetch(at("/healthz"), { headers: { "x-request-id": id } });
    expect(res.headers.get("x-request-id")).toBe(id);
  });

  it("issues a fresh id when the caller sends none, a different one each time", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(at("/healthz"));
      await res.text();
      const id = res.headers.get("x-request-id");
      expect(id).toMatch(UUID);
      ids.push(id!);
    }
    expect(new Set(ids).size).toBe(3);
  });

  it.each([
    ["spaces", "not a valid id"],
    ["200 characters", "b".repeat(200)],
    ["65 characters", "c".repeat(65)],
    ["a slash and quotes", 'x/"y"'],
    ["words (a name or an email could hide there)", "ines.robert.example.org"],
    ["15 hex digits", "0123456789abcde"],
    ["an empty value", ""],
  ])("replaces a malformed id (%s) with a fresh one", async (_name, given) => {
    const res = await fetch(at("/healthz"), { headers: { "x-request-id": given } });
    await res.text();
    const id = res.headers.get("x-request-id");
    expect(id).not.toBe(given);
    expect(id).toMatch(UUID);
  });

  it("logs the request id it answers with, never the malformed one given", async () => {
    const given = `evil id ${"z".repeat(150)}`;
    const res = await fetch(at("/healthz"), { headers: { "x-request-id": given } });
    await res.text();
    const id = res.headers.get("x-request-id")!;
    await new Promise((r) => setTimeout(r, 50));
    const logs = gw.logs.join("");
    expect(logs).toContain(id);
    expect(logs).not.toContain(given);
  });
});

describe("cache-control", () => {
  it("forbids every cache to keep any answer: data over POST and GET, refusals, health", async () => {
    const headers = { authorization: `Bearer ${await gw.token("support_agent")}`, "x-purpose": "customer_support" };
    const query = "{ customers(first: 2) { edges { node { id profile { email } } } } }";
    const post = await gw.post({ query }, headers);
    expect(post.status).toBe(200);
    expect(JSON.stringify(post.body)).toContain("@"); // personal data was in it
    const get = await fetch(`${gw.url}?query=${encodeURIComponent(query)}`, { headers });
    expect(get.status).toBe(200);
    await get.text();
    const refused = await gw.post({ query });
    expect(refused.status).toBe(401);
    const health = await fetch(at("/healthz"));
    await health.text();
    for (const [name, value] of [
      ["POST", post.headers],
      ["GET", get.headers],
      ["401", refused.headers],
      ["healthz", health.headers],
    ] as const) {
      expect(value.get("cache-control"), name).toBe("no-store");
    }
  });
});
