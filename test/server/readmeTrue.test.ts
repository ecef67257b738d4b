import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { customers } from "../../src/db/schema/index.js";
import { seed, type SeedSummary } from "../../src/db/seed/seed.js";
import { serverNodeFlags } from "../../src/server/nodeFlags.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const scripts = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> }).scripts;

let database: DatabaseHandle;
let summary: SeedSummary;
beforeAll(async () => {
  database = await createTestDatabase();
  summary = await seed(database.db, {}); // the default seed, as `npm start` runs it
});
afterAll(async () => { await database?.close(); });

describe("the README stays true", () => {
  it("names the demo customer and the demo partner keys that the default seed creates", async () => {
    const id = /--customer ([0-9a-f-]{36})/.exec(readme)?.[1];
    expect(id).toBeDefined();
    const [row] = await database.db.select().from(customers).where(eq(customers.id, id!));
    expect(row?.status).toBe("active");
    for (const key of summary.apiKeys) expect(readme).toContain(key.apiKey);
    const sharedWith = [...readme.matchAll(/setPartnerSharing\(partnerId: \\?"([0-9a-f-]{36})\\?"/g)].map((m) => m[1]);
    expect(sharedWith.length).toBeGreaterThan(0);
    for (const partnerId of sharedWith) expect(summary.apiKeys.map((k) => k.partnerId)).toContain(partnerId);
  });

  it("gives the two commands, and every npm script it names exists", () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm test ");
    for (const [, name] of readme.matchAll(/npm run (?:-s )?([a-z:-]+)/g)) expect(scripts, `npm run ${name}`).toHaveProperty(name!);
    expect(readFileSync(new URL("../../.ci/run", import.meta.url), "utf8")).toContain("npm test");
  });

  it("npm start, npm run start:prod and the benchmarks that serve in process run node with the server's V8 flags, which the README names", () => {
    // exec: the shell npm starts would otherwise die on npm's forwarded SIGTERM and orphan the server.
    expect(scripts.start).toBe("exec node $npm_package_config_nodeFlags --import tsx src/server/main.ts");
    expect(scripts["start:prod"]).toBe("exec node $npm_package_config_nodeFlags dist/server/main.js");
    for (const name of ["bench", "bench:policy", "bench:where"]) {
      expect(scripts[name], name).toMatch(/^node \$npm_package_config_nodeFlags --import tsx /);
    }
    expect(serverNodeFlags()).toContain("--max-semi-space-size=64");
    for (const flag of serverNodeFlags()) expect(readme).toContain(flag);
  });
});
