/**
 * One autocannon run in a child process (so that the load generator does not share the servers'
 * event loop), its result parsed from `-j` JSON. A run still going when this process exits is killed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Result as AutocannonResult } from "autocannon";

export type { AutocannonResult };

const AUTOCANNON = createRequire(import.meta.url).resolve("autocannon");

export interface LoadTarget {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  /** File holding the request body (POST). */
  bodyFile?: string;
}

let running: ChildProcess | null = null;
process.on("exit", () => running?.kill("SIGKILL"));

export function runAutocannon(
  target: LoadTarget,
  options: { connections: number; seconds: number; timeoutSeconds?: number },
): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const args = [
      AUTOCANNON,
      "-c",
      String(options.connections),
      "-d",
      String(options.seconds),
      "-m",
      target.method,
      "-t",
      String(options.timeoutSeconds ?? 60),
    ];
    for (const [name, value] of Object.entries(target.headers)) args.push("-H", `${name}=${value}`);
    if (target.bodyFile) args.push("-i", target.bodyFile);
    args.push("-j", "-n", target.url);
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    running = child;
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c;
    });
    child.stderr.on("data", (c: Buffer) => {
      err += c;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      running = null;
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out) as AutocannonResult);
      } catch {
        reject(new Error(`autocannon printed no JSON: ${out.slice(0, 200)} ${err.trim()}`));
      }
    });
  });
}
