/**
 * The real server process (src/server/main.ts with the V8 flags of `npm start`) for tests of start-up,
 * faults and shutdown: its JSON log lines are collected as they come, its exit is awaited.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SignJWT } from "jose";
import { DEVELOPMENT_JWT_SECRET, loadConfig } from "../../src/server/config.js";
import { serverNodeFlags } from "../../src/server/nodeFlags.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// tsx as a loader in the one process, not its CLI: the CLI runs the server in a child of its own,
// which a SIGKILL of the CLI would leave running after the test.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export type LogLine = Record<string, unknown> & { msg: string };

export interface GatewayProcess {
  child: ChildProcess;
  /** Every line the process wrote to stdout and stderr, as written. */
  output: string[];
  /** The JSON log lines among them. */
  logs(): LogLine[];
  /** Resolves with the first log line that matches (already written or to come). */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** The /graphql URL, once the process logged that it listens. */
  listening(timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Kills it if still running (tests' cleanup). */
  kill(): Promise<void>;
}

/**
 * Starts the server with the given environment (PORT=0 and a quiet default unless set);
 * `preload`: modules imported before the server (a fault injected through a seam), paths from the repository root.
 */
export function startGatewayProcess(env: Record<string, string>, options: { preload?: readonly string[] } = {}): GatewayProcess {
  const preload = (options.preload ?? []).flatMap((path) => ["--import", pathToFileURL(`${ROOT}/${path}`).href]);
  const child = spawn(process.execPath, [...serverNodeFlags(), "--import", TSX_LOADER, ...preload, "src/server/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const waiters: Array<() => void> = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      output.push(...parts.filter(Boolean));
      for (const wake of waiters.splice(0)) wake();
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      for (const wake of waiters.splice(0)) wake();
      resolve(code);
    }),
  );
  const logs = () =>
    output.flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  const waitForLog = (match: (line: LogLine) => boolean, timeoutMs = 60_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no such log line within ${timeoutMs} ms; output:\n${output.slice(-30).join("\n")}`)),
        timeoutMs,
      );
      const check = () => {
        const found = logs().find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
          return;
        }
        if (child.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`the process exited (${child.exitCode}); output:\n${output.slice(-30).join("\n")}`));
          return;
        }
        waiters.push(check);
      };
      check();
    });
  return {
    child,
    output,
    logs,
    waitForLog,
    exited,
    listening: async (timeoutMs) => String((await waitForLog((l) => typeof l.url === "string" && /listening/.test(l.msg), timeoutMs)).url),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** A bearer token the spawned server accepts (development secret, default issuer and audience). */
export async function bearerFor(role: string, sub = "staff-test"): Promise<Record<string, string>> {
  const config = loadConfig({});
  const token = await new SignJWT({ role })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuer(config.jwtIssuer)
    .setAudience(config.jwtAudience)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(DEVELOPMENT_JWT_SECRET));
  return { authorization: `Bearer ${token}` };
}

/** POSTs a GraphQL operation; the body parsed when it is JSON. */
export async function postGraphQL(
  url: string,
  body: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: res.status, body: parsed, text };
}
