/**
 * A throwaway PostgreSQL server for benchmarks, started the way `.ci/run` starts it: Debian's
 * package under /usr/lib/postgresql/<version>/bin (installed with apt-get only when missing),
 * `initdb` as the `postgres` user into a fresh temporary folder, its own port, loopback only,
 * trust authentication. `stop()` stops it and deletes the folder; it also runs on process exit
 * and on SIGINT/SIGTERM, so a failing or interrupted benchmark does not leave a server behind.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** e.g. "15.14" */
  version: string;
  /** The server's log (readable when we are root or the server's user). */
  logFile: string;
  /** Stops the server (fast shutdown) and removes its data folder. Safe to call more than once. */
  stop(): Promise<void>;
  /** Stops the server (fast shutdown: open connections are cut) and keeps its data (fault tests). */
  pause(): Promise<void>;
  /** Starts a paused server again, same data, same port; resolves once it accepts connections. */
  resume(): Promise<void>;
  /**
   * CPU time, ms, of the server's processes alive now (the postmaster and its children: backends,
   * WAL writer, checkpointer...), from /proc; 0 where /proc is not Linux's. A difference of two
   * readings is what the server spent between them, but for processes that ended in between.
   */
  cpuMs(): number;
}

export interface StartPostgresOptions {
  /** Default: BENCH_PG_PORT, else 55433 (`.ci/run` uses 55432 for the tests). */
  port?: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** Progress lines (default: console.error). */
  log?: (line: string) => void;
}

const POSTGRES_ROOT = "/usr/lib/postgresql";

/** The newest installed server's bin folder, or null. */
function findBin(): string | null {
  if (!existsSync(POSTGRES_ROOT)) return null;
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((v) => existsSync(join(POSTGRES_ROOT, v, "bin", "initdb")))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const newest = versions.at(-1);
  return newest === undefined ? null : join(POSTGRES_ROOT, newest, "bin");
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a command as the `postgres` user when we are root (initdb refuses root), else as ourselves. */
function runAsPostgres(command: string, args: string[]): string {
  if (!isRoot()) return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const line = [command, ...args].map(shellQuote).join(" ");
  return execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", line], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function ensureInstalled(log: (line: string) => void): string {
  let bin = findBin();
  if (bin) return bin;
  if (!isRoot()) throw new Error(`no PostgreSQL server under ${POSTGRES_ROOT} and not root: install Debian's postgresql package`);
  log("PostgreSQL server not found: installing Debian's postgresql package with apt-get");
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "postgresql"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  bin = findBin();
  if (!bin) throw new Error("apt-get installed postgresql but no initdb was found");
  return bin;
}

function ensurePostgresUser() {
  if (!isRoot()) return;
  try {
    execFileSync("id", ["postgres"], { stdio: "ignore" });
  } catch {
    execFileSync("useradd", ["--system", "--no-create-home", "postgres"], { stdio: "inherit" });
  }
}

function postgresUid(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

/** Starts a fresh server; resolves once it accepts connections (pg_ctl -w). */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const log = options.log ?? ((line: string) => console.error(line));
  const port = options.port ?? Number(process.env.BENCH_PG_PORT ?? 55433);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new Error(`bad PostgreSQL port ${port}`);
  const bin = ensureInstalled(log);
  ensurePostgresUser();
  const version =
    execFileSync(join(bin, "postgres"), ["--version"], { encoding: "utf8" })
      .trim()
      .match(/\(PostgreSQL\) (\S+)/)?.[1] ?? "?";

  const dataDir = mkdtempSync("/tmp/pgdata.");
  if (isRoot()) {
    const { uid, gid } = postgresUid();
    chownSync(dataDir, uid, gid);
  }
  const pgCtl = join(bin, "pg_ctl");
  let started = false;
  let stopped = false;

  /** Synchronous, so that it can run from an `exit` handler too. */
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stopSync);
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    if (started) {
      try {
        runAsPostgres(pgCtl, ["-D", dataDir, "stop", "-m", "fast"]);
      } catch (error) {
        log(`pg_ctl stop failed: ${(error as Error).message.split("\n")[0]}`);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const onSignal = (code: number) => {
    log("interrupted: stopping PostgreSQL");
    stopSync();
    process.exit(code);
  };
  const onSigint = () => onSignal(130);
  const onSigterm = () => onSignal(143);
  process.on("exit", stopSync);
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigterm);

  const settings = { listen_addresses: "127.0.0.1", max_connections: "300", ...options.settings };
  const serverOptions = [`-p ${port}`, "-k /tmp", ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(" ");
  const start = () => runAsPostgres(pgCtl, ["-D", dataDir, "-o", serverOptions, "-l", join(dataDir, "log"), "start", "-w"]);
  try {
    runAsPostgres(join(bin, "initdb"), ["-D", dataDir, "-A", "trust", "-U", "postgres"]);
    started = true; // from here on, stop() must try pg_ctl stop
    start();
  } catch (error) {
    const logFile = join(dataDir, "log");
    const tail = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n") : "";
    stopSync();
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`PostgreSQL did not start on 127.0.0.1:${port}: ${(error as Error).message.split("\n")[0]}\n${stderr}${tail}`);
  }
  log(`PostgreSQL ${version} on 127.0.0.1:${port} (data in ${dataDir})`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    version,
    logFile: join(dataDir, "log"),
    stop: async () => stopSync(),
    pause: async () => {
      runAsPostgres(pgCtl, ["-D", dataDir, "stop", "-m", "fast"]);
    },
    resume: async () => {
      start();
    },
    cpuMs: () => processTreeCpuMs(Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0])),
  };
}

/** CPU time, ms, of `root` and its direct children (utime + stime from /proc/<pid>/stat). */
function processTreeCpuMs(root: number): number {
  if (!existsSync("/proc/self/stat")) return 0;
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name, which may hold spaces: state, ppid, ..., utime (12th), stime (13th).
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ");
      if (Number(entry) === root || Number(fields[1]) === root) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended meanwhile
    }
  }
  return ticks / ticksPerMs;
}
