// `npm run policy -- check | test | diff`, run as the privacy office runs them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY_PATH } from "../../src/policy/index.js";

const dir = mkdtempSync(join(tmpdir(), "policy-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TEXT = readFileSync(DEFAULT_POLICY_PATH, "utf8");

function policyCli(...args: string[]) {
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--import", "tsx", "src/cli/policy.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, POLICY_FILE: "" },
  });
  return { status, stdout, stderr };
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("npm run policy", () => {
  it("check: the shipped file is valid; a broken one is refused with file, line, column and what", () => {
    expect(policyCli("check", DEFAULT_POLICY_PATH)).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/valid, version 2026-11-01\+[0-9a-f]{12}/),
    });
    const line = TEXT.split("\n").findIndex((l) => l.startsWith("  billing: [payments]")) + 1;
    const bad = write("bad.policy.yaml", TEXT.replace("  billing: [payments]", "  billing: [payments, refunds]"));
    expect(policyCli("check", bad)).toMatchObject({
      status: 1,
      stdout: "",
      stderr: `${bad}:${line}:23: roles.billing.1: role \`billing\` declares undefined purpose \`refunds\`\n`,
    });
    // The password hash has no field, only a personal column: its category must be in the policy all the same.
    const lacking = write("lacking.policy.yaml", TEXT.replace(/^ {2}user\.authorization\.credentials: .*\n/m, ""));
    expect(policyCli("check", lacking)).toMatchObject({
      status: 1,
      stderr: expect.stringContaining(
        "categories: category `user.authorization.credentials` holds personal data in the gateway (a @personal field or a personal column) but is not in the policy",
      ),
    });
  });

  it("test: runs the cases beside the policy; a case the policy no longer meets fails with its line", () => {
    expect(policyCli("test")).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\d+ cases, \d+ passed, 0 failed/) });
    const changed = write("changed.policy.yaml", TEXT.replace(/^( {4}user\.financial\.credit_card: +"[^"]*)M"/m, '$1A"'));
    const cases = readFileSync(DEFAULT_POLICY_PATH.replace(/\.yaml$/, ".test.yaml"), "utf8");
    writeFileSync(join(dir, "changed.policy.test.yaml"), cases);
    const line = cases.split("\n").findIndex((l) => l.includes("a subject request under a verified request sees a card masked")) + 1;
    const run = policyCli("test", changed);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `changed.policy.test.yaml:${line}: a subject request under a verified request sees a card masked: expected mask MASKED, got allow ALLOWED`,
    );
    expect(run.stdout).toMatch(/ 1 failed/);
  });

  it("diff: the effect of a change, widened first; none for a comment", () => {
    const wider = write(
      "wider.policy.yaml",
      TEXT.replace("  fraud_analyst: [fraud_prevention]", "  fraud_analyst: [fraud_prevention, legal_compliance]").replace(
        /^( {4}user\.name: +)"A A A A A A/m,
        '$1"A A A A A -',
      ),
    );
    const out = policyCli("diff", DEFAULT_POLICY_PATH, wider);
    expect(out.status).toBe(0);
    const lines = out.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^WIDENED {3}fraud_analyst {2}legal_compliance {2}/);
    expect(lines.at(-1)).toMatch(/^narrowed {2}partner:third_party {2}marketing {2}user\.name: allow -> deny$/);
    expect(policyCli("diff", DEFAULT_POLICY_PATH, write("same.policy.yaml", `${TEXT}# reviewed\n`)).stdout).toBe("no decision changes\n");
  });

  it("prints the table; refuses unknown commands", () => {
    expect(policyCli()).toMatchObject({ status: 0, stdout: expect.stringContaining("## Purpose x category") });
    expect(policyCli("frobnicate")).toMatchObject({ status: 2, stderr: expect.stringContaining("usage:") });
  });
});
