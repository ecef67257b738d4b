import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { customers } from "../../src/db/schema/index.js";
import { seed, type SeedSummary } from "../../src/db/seed/seed.js";
import { serverNodeFlags } from "../../src/server/nodeFlags.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
/** The README and the pages it sends readers to: docs/*.md and bench/*.md. */
const pages = [
  "README.md",
  ...["docs", "bench"].flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `${dir}/${f}`),
  ),
];
const textOf = (page: string) => readFileSync(join(ROOT, page), "utf8");
/** Markdown without its fenced code blocks: a `#` line in a block is no heading, a `[x](y)` no link. */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, "");
/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replaceAll(" ", "-");
const anchorsOf = (page: string) => new Set([...prose(textOf(page)).matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
const scripts = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> })
  .scripts;

let database: DatabaseHandle;
let summary: SeedSummary;
beforeAll(async () => {
  database = await createTestDatabase();
  summary = await seed(database.db, {}); // the default seed, as `npm start` runs it
});
afterAll(async () => {
  await database?.close();
});

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

  it("gives the two commands, and every npm script it or a docs page names exists", () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm test ");
    for (const page of pages) {
      for (const [, name] of textOf(page).matchAll(/npm run (?:-s )?([a-z:-]+)/g))
        expect(scripts, `${page}: npm run ${name}`).toHaveProperty(name!);
    }
    expect(readFileSync(new URL("../../.ci/run", import.meta.url), "utf8")).toContain("npm test");
  });

  it("npm start, npm run start:prod and the benchmarks that serve in process run node with the server's V8 flags, which the README names, the benchmarks in production mode", () => {
    // exec: the shell npm starts would otherwise die on npm's forwarded SIGTERM and orphan the server.
    expect(scripts.start).toBe("exec node $npm_package_config_nodeFlags --import tsx src/server/main.ts");
    expect(scripts["start:prod"]).toBe("exec node $npm_package_config_nodeFlags dist/server/main.js");
    for (const name of ["bench", "bench:policy", "bench:scale", "bench:where"]) {
      // As production runs (docs/operations.md): graphql-js's development-mode checks off on every side.
      expect(scripts[name], name).toMatch(/^NODE_ENV=production node \$npm_package_config_nodeFlags --import tsx /);
    }
    expect(serverNodeFlags()).toContain("--max-semi-space-size=64");
    for (const flag of serverNodeFlags()) expect(readme).toContain(flag);
  });

  it("every relative link in the README and the docs points to a file that exists, and each #anchor to one of its headings", () => {
    let links = 0;
    for (const page of pages) {
      for (const [, target] of prose(textOf(page)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // https:, mailto:
        const [path, anchor] = target!.split("#") as [string, string | undefined];
        const file = path === "" ? page : relative(ROOT, join(ROOT, dirname(page), path));
        expect(existsSync(join(ROOT, file)), `${page}: ${target}`).toBe(true);
        if (anchor !== undefined) expect([...anchorsOf(file)], `${page}: ${target}`).toContain(anchor);
        links++;
      }
    }
    expect(links).toBeGreaterThan(10);
  });
});
