import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCK_FILE } from "../../src/db/embeddedDatabaseLock.js";
import { bearerFor, postGraphQL, startGatewayProcess, type GatewayProcess } from "../helpers/gatewayProcess.js";

/**
 * One process owns an embedded database, with real processes: a server on a PGlite directory; a
 * second server and the maintenance commands on the same directory refuse at once naming it (pid,
 * port) and what to do instead, while it keeps serving; once it has stopped, the commands work.
 * The server also runs the retention purge on its own (on by default) and through its API.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Runs a command-line tool as `npm run` does (tsx), on `dir`; its exit code and output. */
function runCli(script: string, args: string[], dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", DATA_DIR: dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("an embedded database with a running server", () => {
  let dir: string;
  let owner: GatewayProcess;
  let url: string;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gw-owner-"));
    owner = startGatewayProcess({ DATA_DIR: dir, SEED_DEMO_DATA: "true" });
    url = await owner.listening();
    port = Number(new URL(url).port);
  }, 120_000);
  afterAll(async () => {
    await owner?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const ownerNamed = (text: string) =>
    expect(text).toMatch(new RegExp(`in use by gateway server \\(pid ${owner.child.pid}, port ${port}, since `));

  it("is locked by the server, its pid and port in the lock, and purged by it at start (the schedule is on by default)", async () => {
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: owner.child.pid, port, command: "gateway server" });
    expect(await owner.waitForLog((l) => l.msg === "retention purge ran")).toMatchObject({ runId: expect.any(String) });
  });

  it("a second server on the same DATA_DIR refuses at once and exits 1, naming the owner; the first keeps serving", async () => {
    const second = startGatewayProcess({ DATA_DIR: dir });
    try {
      expect(await second.exited).toBe(1);
      const refusal = second.logs().find((l) => /^not starting/.test(l.msg));
      expect(refusal).toMatchObject({ level: 60, code: "DATABASE_IN_USE", pid: owner.child.pid, port });
      ownerNamed(refusal!.msg);
      expect(second.logs().some((l) => /database not ready/.test(l.msg))).toBe(false);
    } finally {
      await second.kill();
    }
    const officer = { ...(await bearerFor("privacy_officer", "po-owner")), "x-purpose": "legal_compliance" };
    const dry = await postGraphQL(
      url,
      { query: "mutation { runRetentionPurge(dryRun: true) { id dryRun tables { table deleted } } }" },
      officer,
    );
    expect(dry.body).toMatchObject({ data: { runRetentionPurge: { id: null, dryRun: true } } });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid).toBe(owner.child.pid);
  }, 120_000);

  it("npm run purge, seed and datamap --with-partners beside it refuse, naming it; purge says how to run it through the API", async () => {
    const purge = await runCli("src/cli/purge.ts", ["--dry-run"], dir);
    expect(purge.code).toBe(1);
    ownerNamed(purge.stderr);
    expect(purge.stderr).toContain(`curl -s http://127.0.0.1:${port}/graphql`);
    expect(purge.stderr).toContain("runRetentionPurge(dryRun: true)");
    expect(purge.stdout).not.toContain("Dry run");

    const seed = await runCli("src/cli/seed.ts", ["--reset"], dir);
    expect(seed.code).toBe(1);
    ownerNamed(seed.stderr);

    const partners = await runCli("src/cli/datamap.ts", ["--check", "--with-partners"], dir);
    expect(partners.code).toBe(1);
    ownerNamed(partners.stderr);
    // Without partners it needs no database at all.
    const datamap = await runCli("src/cli/datamap.ts", ["--check"], dir);
    expect(datamap.stderr).toBe("");
    expect(datamap).toMatchObject({ code: 0, stdout: expect.stringContaining("datamap: current") });
    expect(owner.child.exitCode).toBeNull();
  }, 120_000);

  it("once the server has stopped, the lock is gone and npm run purge works on the directory", async () => {
    owner.child.kill("SIGTERM");
    expect(await owner.exited).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const purge = await runCli("src/cli/purge.ts", ["--dry-run"], dir);
    expect(purge.stderr).toBe("");
    expect(purge).toMatchObject({ code: 0, stdout: expect.stringContaining("Dry run (nothing changed)") });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  }, 120_000);
});

describe("an embedded database directory that does not open", () => {
  it("ends the server at once with the error's kind and what to do, instead of retrying forever", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-damaged-"));
    try {
      // A directory PGlite takes for a database (it has PG_VERSION) whose files are not one.
      const { writeFileSync, mkdirSync } = await import("node:fs");
      writeFileSync(join(dir, "PG_VERSION"), "17\n");
      mkdirSync(join(dir, "global"));
      writeFileSync(join(dir, "global", "pg_control"), Buffer.alloc(8192, 0x5a));
      const server = startGatewayProcess({ DATA_DIR: dir });
      try {
        expect(await server.exited).toBe(1);
        const line = server.logs().find((l) => /^not starting/.test(l.msg));
        expect(line).toMatchObject({ level: 60 });
        expect(line!.msg).toMatch(/waiting would not help.*restore it from a backup or move it aside/);
        expect(server.logs().filter((l) => /retrying in/.test(l.msg))).toEqual([]);
      } finally {
        await server.kill();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
