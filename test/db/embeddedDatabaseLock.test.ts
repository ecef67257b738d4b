import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "../../src/db/client.js";
import { acquireEmbeddedDatabaseLock, EmbeddedDatabaseInUse, LOCK_FILE, type LockOwner } from "../../src/db/embeddedDatabaseLock.js";

/** One process owns a PGlite directory: a second opener is refused naming the owner; a dead owner's lock is taken over. */

const dirs: string[] = [];
const handles: DatabaseHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "gw-lock-"));
  dirs.push(dir);
  return dir;
};
const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as LockOwner;
const writeLock = (dir: string, owner: Partial<LockOwner>) =>
  writeFileSync(
    join(dir, LOCK_FILE),
    JSON.stringify({
      pid: process.pid,
      hostname: hostname(),
      command: "gateway server",
      port: 4000,
      startedAt: "2026-01-01T00:00:00.000Z",
      processStart: null,
      ...owner,
    }),
  );
/** A pid that ran and has exited (reaped): no process holds it now. */
const deadPid = () => spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;

describe("the embedded database's lock", () => {
  it("refuses a second open of one directory, naming the owner, until the first closes", async () => {
    const dir = freshDir();
    const first = await createDatabase({ dataDir: dir, owner: "gateway server" });
    handles.push(first);
    first.lock!.setPort(4123);
    const refusal = await createDatabase({ dataDir: dir, owner: "npm run purge" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(EmbeddedDatabaseInUse);
    expect(refusal).toMatchObject({ code: "DATABASE_IN_USE", owner: { pid: process.pid, port: 4123, command: "gateway server" } });
    expect((refusal as Error).message).toMatch(
      new RegExp(
        `in use by gateway server \\(pid ${process.pid}, port 4123, since .*\\).*use that server's API on port 4123 instead, or stop it first`,
      ),
    );
    // The first open still works, and the lock goes with its close.
    await first.ping();
    await handles.pop()!.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await createDatabase({ dataDir: dir });
    handles.push(again);
    await again.ping();
    expect(lockOf(dir).pid).toBe(process.pid);
  });

  it("takes over a lock whose process is gone, and says whose it was", () => {
    const dir = freshDir();
    const pid = Number(deadPid());
    writeLock(dir, { pid });
    const lock = acquireEmbeddedDatabaseLock(dir, "npm run seed");
    try {
      expect(lock.tookOverFrom).toMatchObject({ pid, port: 4000 });
      expect(lockOf(dir)).toMatchObject({ pid: process.pid, command: "npm run seed", port: null });
    } finally {
      lock.release();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it.skipIf(!existsSync("/proc/self/stat"))("takes over a lock whose pid now runs another process (a reused pid)", () => {
    const dir = freshDir();
    writeLock(dir, { pid: process.pid, processStart: "1" });
    const lock = acquireEmbeddedDatabaseLock(dir);
    lock.release();
    expect(lock.tookOverFrom?.pid).toBe(process.pid);
  });

  it("refuses, failing closed, a lock from another host or one it cannot read", () => {
    const dir = freshDir();
    writeLock(dir, { pid: Number(deadPid()), hostname: "elsewhere.invalid" });
    expect(() => acquireEmbeddedDatabaseLock(dir)).toThrow(
      /in use by gateway server \(pid \d+, port 4000, since .*, on host elsewhere\.invalid\).*delete .*gateway\.lock/,
    );
    writeFileSync(join(dir, LOCK_FILE), "");
    expect(() => acquireEmbeddedDatabaseLock(dir)).toThrow(/locked by .*gateway\.lock, which cannot be read/);
  });

  it("is released when its process ends with an uncaught error", async () => {
    const dir = freshDir();
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `
      const { acquireEmbeddedDatabaseLock } = await import(${JSON.stringify(new URL("../../src/db/embeddedDatabaseLock.ts", import.meta.url).href)});
      acquireEmbeddedDatabaseLock(${JSON.stringify(dir)}, "crashing command");
      console.log("locked");
      setTimeout(() => { throw new Error("boom"); }, 50);
    `,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(out).toContain("locked");
    expect(code).not.toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
