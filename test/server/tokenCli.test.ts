import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";

/** `npm run token`: a customer token is minted only for a customer id (a UUID), never for a made-up subject. */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function token(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/token.ts", ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run token", () => {
  it("refuses a customer id that is not a UUID, without echoing it, and mints nothing", async () => {
    const res = await token(["--role", "customer", "--customer", "alice@example.com"]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/--customer must be a customer id, a UUID/);
    expect(res.stderr).not.toContain("alice@example.com");
  }, 60_000);

  it("mints a customer token for a UUID, in the canonical lower case the gateway takes", async () => {
    const res = await token(["--role", "customer", "--customer", "0089618B-7608-4F66-8F6A-6CDAD5CF1813"]);
    expect(res.code).toBe(0);
    expect(decodeJwt(res.stdout.trim())).toMatchObject({ role: "customer", sub: "0089618b-7608-4f66-8f6a-6cdad5cf1813" });
  }, 60_000);
});
