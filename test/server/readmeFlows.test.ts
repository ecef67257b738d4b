/**
 * The README's flows run as written. Every ```bash block preceded by `<!-- flow: NAME -->` is part
 * of flow NAME; a flow's blocks run in order in one bash (`set -euo pipefail`, so a failing curl,
 * an HTTP error or a `jq -e` that finds nothing fails it), from the repository root, against a
 * server started as `npm start` starts it (embedded database, default seed) with its address in
 * place of `http://127.0.0.1:4000`. What each flow prints is checked below, line by line.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayProcess, type GatewayProcess } from "../helpers/gatewayProcess.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const run = promisify(execFile);

/** The README's flows: name -> bash blocks in order. */
export function flowsOf(markdown: string): Map<string, string[]> {
  const flows = new Map<string, string[]>();
  for (const [, name, body] of markdown.matchAll(/<!-- flow: ([a-z-]+) -->\n```bash\n([\s\S]*?)```/g)) {
    flows.set(name!, [...(flows.get(name!) ?? []), body!]);
  }
  return flows;
}

/** What each flow must print: one pattern per output line, in order. */
const EXPECTED: Record<string, RegExp[]> = {
  "first-query": [/^\{"data":\{"me":\{"id":"0089618b-7608-4f66-8f6a-6cdad5cf1813","profile":\{"fullName":"[^"]+","email":"[^"]+@[^"]+"\},"consents":\[/],
};

let gateway: GatewayProcess;
let base: string;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "readme-flows-"));
  gateway = startGatewayProcess({ DATA_DIR: dataDir, PURGE: "false" });
  base = new URL(await gateway.listening(120_000)).origin;
}, 150_000);
afterAll(async () => {
  await gateway?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the README's flows run as written against the seed", () => {
  const flows = flowsOf(README);

  it("every flow the README marks is checked here, and every flow checked here is in the README", () => {
    expect([...flows.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`flow ${name}`, async () => {
      const script = ["set -euo pipefail", ...(flows.get(name) ?? [])].join("\n").replaceAll("http://127.0.0.1:4000", base);
      const { stdout } = await run("bash", ["-c", script], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: "" }, timeout: 120_000 })
        .catch((e: { stdout?: string; stderr?: string }) => {
          throw new Error(`flow ${name} failed:\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
        });
      const lines = stdout.split("\n").filter(Boolean);
      expect(lines, stdout).toHaveLength(expected.length);
      expected.forEach((pattern, i) => expect(lines[i], `line ${i + 1} of flow ${name}`).toMatch(pattern));
    }, 180_000);
  }
});
