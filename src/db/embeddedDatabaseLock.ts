/**
 * One process owns an embedded database. PGlite takes no lock of its own, and two processes that
 * open one directory (a second server, a maintenance command beside the server) corrupt it: the
 * owner keeps serving stale pages and a later open aborts. So whoever opens a PGlite directory
 * first creates `gateway.lock` inside it, atomically (written aside, then hard-linked into place,
 * which fails when the name exists), holding the owner: pid, host, command, port, start time.
 *
 * A lock whose owner is gone is stale and taken over: same host, and the pid runs no process or
 * (where /proc tells) a process started at another time than the owner (a reused pid). Anything
 * else refuses at once with EmbeddedDatabaseInUse naming the owner: a lock from another host, or
 * one that cannot be read, included (fail closed: a human decides). Released by `release()` and,
 * whatever happens, when the process exits (normal stop, signal handled, uncaught error); a
 * process killed outright leaves a stale lock, which the next opener takes over.
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { basename, join } from "node:path";

export const LOCK_FILE = "gateway.lock";

/** Who holds the lock, as written in it. No personal data: a process, a port, times. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** What opened it: `gateway server`, `npm run purge`, or the script's file name. */
  command: string;
  /** The port it serves the API on (a server, once listening); null otherwise. */
  port: number | null;
  startedAt: string;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), or null where unknown: tells a reused pid apart. */
  processStart: string | null;
}

export interface EmbeddedDatabaseLock {
  readonly path: string;
  /** The owner of a stale lock this one replaced (the caller logs it), or null. */
  readonly tookOverFrom: LockOwner | null;
  /** Records the port the owner now serves on (a server learns it once listening). */
  setPort(port: number): void;
  /** Removes the lock if it is still this process's. Idempotent. */
  release(): void;
}

/** A second opener's refusal. `code` is stable; the message names the owner and what to do instead. */
export class EmbeddedDatabaseInUse extends Error {
  override readonly name = "EmbeddedDatabaseInUse";
  readonly code = "DATABASE_IN_USE";
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner | null,
    readonly lockPath: string,
  ) {
    super(
      owner === null
        ? `the embedded database at ${dataDir} is locked by ${lockPath}, which cannot be read; if no process uses the directory, delete that file`
        : `the embedded database at ${dataDir} is in use by ${describeOwner(owner)}: one process owns an embedded database; ${adviceFor(owner, lockPath)}`,
    );
  }
}

/** `gateway server (pid 1234, port 4000, since 2026-11-02T08:00:00.000Z)`, host added when not this one. */
export function describeOwner(owner: LockOwner): string {
  const facts = [`pid ${owner.pid}`, ...(owner.port === null ? [] : [`port ${owner.port}`]), `since ${owner.startedAt}`];
  if (owner.hostname !== hostname()) facts.push(`on host ${owner.hostname}`);
  return `${owner.command} (${facts.join(", ")})`;
}

function adviceFor(owner: LockOwner, lockPath: string): string {
  if (owner.hostname !== hostname()) return `stop it there first (if it no longer runs, delete ${lockPath})`;
  if (owner.port !== null) return `use that server's API on port ${owner.port} instead, or stop it first`;
  return "wait for it to finish, or stop it first";
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or null without /proc. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function isRunning(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: a process of another user runs under that pid.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const start = owner.processStart === null ? null : processStart(owner.pid);
  return start === null || start === owner.processStart;
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    if (
      !Number.isInteger(owner.pid) ||
      typeof owner.hostname !== "string" ||
      typeof owner.command !== "string" ||
      typeof owner.startedAt !== "string"
    )
      return null;
    return { port: null, processStart: null, ...owner } as LockOwner;
  } catch {
    return null;
  }
}

/** Writes `owner` to a file of its own beside `path`, for linking or renaming into place. */
function writeAside(path: string, owner: LockOwner): string {
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
  return aside;
}

const MAX_ATTEMPTS = 5;

/**
 * Takes the lock on `dataDir` (which must exist) for this process, or throws EmbeddedDatabaseInUse.
 * `command` names the owner in a refusal; it defaults to the running script's file name.
 */
export function acquireEmbeddedDatabaseLock(dataDir: string, command = basename(process.argv[1] ?? "node")): EmbeddedDatabaseLock {
  const path = join(dataDir, LOCK_FILE);
  let owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    command,
    port: null,
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    processStart: processStart(process.pid),
  };
  let tookOverFrom: LockOwner | null = null;
  for (let attempt = 1; ; attempt++) {
    const aside = writeAside(path, owner);
    try {
      linkSync(aside, path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(aside);
    }
    const held = readOwner(path);
    if (held === null || held.hostname !== hostname() || isRunning(held) || attempt === MAX_ATTEMPTS) {
      throw new EmbeddedDatabaseInUse(dataDir, held, path);
    }
    // Stale: move it aside and check that what moved is the lock judged stale, not one another
    // opener took over meanwhile (put back, then judged again on the next attempt).
    const moved = `${path}.${process.pid}.stale`;
    try {
      renameSync(path, moved);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // someone else removed it
      throw error;
    }
    const gone = readOwner(moved);
    if (gone !== null && gone.pid === held.pid && gone.startedAt === held.startedAt) {
      unlinkSync(moved);
      tookOverFrom = held;
    } else {
      try {
        linkSync(moved, path);
      } catch {
        /* a newer lock is in place: judged on the next attempt */
      }
      unlinkSync(moved);
    }
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    // Only this process's own lock: never one another process took over after it.
    if (readOwner(path)?.pid === process.pid) {
      try {
        unlinkSync(path);
      } catch {
        /* already gone: nothing to release */
      }
    }
  };
  process.on("exit", release);
  return {
    path,
    tookOverFrom,
    setPort(port) {
      if (released) return;
      owner = { ...owner, port };
      renameSync(writeAside(path, owner), path);
    },
    release,
  };
}
