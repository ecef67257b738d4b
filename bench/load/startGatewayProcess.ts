import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serverNodeFlags } from "../../src/server/nodeFlags.js";

export interface MemorySample {
  /** Seconds since the sampling began. */
  at: number;
  rss: number;
  heapUsed: number;
}

export interface GatewayProcess {
  url: string;
  pid: number;
  /** One memory sample of the gateway process (after a full GC there). */
  sample(): Promise<Omit<MemorySample, "at">>;
  /**
   * SIGTERM, then the exit code (the gateway finishes requests in flight first); after
   * `graceMs` without an exit, SIGKILL and null.
   */
  stop(graceMs?: number): Promise<number | null>;
}

const MAIN = fileURLToPath(new URL("../../src/server/main.ts", import.meta.url));
const REPORTER = new URL("./reportMemory.ts", import.meta.url).href;

/**
 * The gateway as `npm start` runs it (src/server/main.ts), in a process of its own with an IPC
 * channel for memory samples; stdout and stderr (its JSON log) go to `logFile`. Resolves once
 * `GET /readyz` answers 200.
 */
export async function startGatewayProcess(options: {
  env: Record<string, string>;
  port: number;
  logFile: string;
  timeoutMs?: number;
}): Promise<GatewayProcess> {
  const log = openSync(options.logFile, "a");
  const child = spawn(process.execPath, [...serverNodeFlags(), "--expose-gc", "--import", "tsx", "--import", REPORTER, MAIN], {
    env: { ...process.env, ...options.env, PORT: String(options.port), HOST: "127.0.0.1" },
    stdio: ["ignore", log, log, "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);

  const base = `http://127.0.0.1:${options.port}`;
  const until = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the gateway exited with ${child.exitCode} before it was ready:\n${tail(options.logFile)}`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > until) {
      kill();
      throw new Error(`the gateway was not ready within ${(options.timeoutMs ?? 60_000) / 1000} s:\n${tail(options.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url: `${base}/graphql`,
    pid: child.pid!,
    sample: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off("message", onMessage);
          reject(new Error("no memory sample within 5 s"));
        }, 5000);
        const onMessage = (message: { type?: string; rss: number; heapUsed: number }) => {
          if (message?.type !== "memory") return;
          clearTimeout(timer);
          child.off("message", onMessage);
          resolve({ rss: message.rss, heapUsed: message.heapUsed });
        };
        child.on("message", onMessage);
        child.send("memory");
      }),
    stop: async (graceMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<"timeout">((r) => {
          timer = setTimeout(() => r("timeout"), graceMs);
        }),
      ]);
      clearTimeout(timer);
      process.off("exit", kill);
      if (code !== "timeout") return code;
      kill();
      await exited;
      return null;
    },
  };
}

/** The last lines of the gateway's log, for an error message. */
function tail(file: string, lines = 15): string {
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
