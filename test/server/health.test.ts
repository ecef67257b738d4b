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
  // Kept for years in the logs and the disclosure log, so never the caller's: any id a caller
  // chooses can carry words (hex is bytes) or be another caller's.
  const CHOSEN = [
    "6f9619ff-8b86-d011-b42d-00cf4fc964ff",
    "4bf92f3577b34da6a3ce929d0e0e4736",
    "6a6f686e2e736d697468406578616d706c652e636f6d", // john.smith@example.com, in hex
    "a".repeat(64),
    "ines.robert.example.org",
    `evil id ${"z".repeat(150)}`,
    "",
  ];

  it("answers every route with a fresh id of its own, whatever the caller sends, and never the one sent", async () => {
    const ids: string[] = [];
    for (const path of ["/healthz", "/readyz", "/graphql", "/nowhere"]) {
      for (const given of [...CHOSEN, undefined]) {
        const res = await fetch(at(path), { headers: given === undefined ? {} : { "x-request-id": given } });
        await res.text();
        const id = res.headers.get("x-request-id");
        expect(id, path).toMatch(UUID);
        expect(id).not.toBe(given);
        ids.push(id!);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("on a GraphQL POST too, even one rejected for missing credentials", async () => {
    const res = await gw.post({ query: "{ __typename }" }, { "x-request-id": CHOSEN[0]! });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-request-id")).toMatch(UUID);
    expect(res.headers.get("x-request-id")).not.toBe(CHOSEN[0]);
  });

  it("logs the id it answers with, never the one given", async () => {
    const res = await fetch(at("/healthz"), { headers: { "x-request-id": CHOSEN[2]! } });
    await res.text();
    const id = res.headers.get("x-request-id")!;
    await new Promise((r) => setTimeout(r, 50));
    const logs = gw.logs.join("");
    expect(logs).toContain(id);
    for (const given of CHOSEN.filter((g) => g !== "")) expect(logs).not.toContain(given);
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
