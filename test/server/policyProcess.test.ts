// The server process and its policy file: an invalid file stops the start with each error's line;
// SIGHUP reloads the file, and /readyz says which version the replica serves.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_POLICY, DEFAULT_POLICY_PATH } from "../../src/policy/index.js";
import { startGatewayProcess, type GatewayProcess } from "../helpers/gatewayProcess.js";

const SHIPPED = readFileSync(DEFAULT_POLICY_PATH, "utf8");

let gateway: GatewayProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await gateway?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function start(policy: string): string {
  dir = mkdtempSync(join(tmpdir(), "gw-policy-"));
  const file = join(dir, "company.policy.yaml");
  writeFileSync(file, policy);
  gateway = startGatewayProcess({ DATA_DIR: join(dir, "data"), SEED_DEMO_DATA: "false", PURGE: "off", POLICY_FILE: file });
  return file;
}

const readyz = async (url: string) => (await (await fetch(new URL("/readyz", url))).json()) as { status: string; policy: string };

describe("the server process and its policy file", () => {
  it("refuses to start on an invalid file: exit 1, a log line with each error's line and column", async () => {
    const broken = SHIPPED.replace("consent_basis: opt_out", "consent_basis: opt_in");
    const line = broken.split("\n").findIndex((l) => l.includes("opt_in")) + 1;
    start(broken);
    expect(await gateway!.exited).toBe(1);
    expect(gateway!.logs().find((l) => l.msg === "the policy file is invalid; not starting")).toMatchObject({
      level: 60,
      errors: [{ line, column: 20, path: "purposes.marketing.consent_basis", message: expect.stringContaining("must be one of") }],
    });
    expect(gateway!.logs().some((l) => /listening/.test(l.msg))).toBe(false);
  });

  it("SIGHUP reloads the file; a broken one is refused and the version in force stays", async () => {
    const file = start(SHIPPED);
    const url = await gateway!.listening();
    expect(await readyz(url)).toEqual({ status: "ready", policy: DEFAULT_POLICY.version });

    writeFileSync(file, SHIPPED.replace('version: "2026-11-01"', 'version: "2026-12-01"'));
    gateway!.child.kill("SIGHUP");
    const reloaded = await gateway!.waitForLog((l) => l.msg === "policy reloaded");
    expect(reloaded).toMatchObject({ trigger: "SIGHUP", previous: DEFAULT_POLICY.version, policy: expect.stringMatching(/^2026-12-01\+/) });
    expect((await readyz(url)).policy).toBe(reloaded.policy);

    writeFileSync(file, "version: [");
    gateway!.child.kill("SIGHUP");
    expect(await gateway!.waitForLog((l) => l.msg === "policy file refused; the policy in force stays")).toMatchObject({
      trigger: "SIGHUP",
      policy: reloaded.policy,
      errors: [expect.objectContaining({ line: expect.any(Number), path: "(syntax)" })],
    });
    expect((await readyz(url)).policy).toBe(reloaded.policy);
  });
});
