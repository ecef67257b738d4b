/**
 * Requests sent one at a time, the targets taking turns (the order rotating each turn, so that
 * none always follows the same one): each target's median wall time and this process's median
 * CPU time per request (the servers' work, every one in this process, plus `fetch` receiving the
 * bytes). A non-2xx answer throws.
 */
import { median } from "./stats.js";

export interface AloneTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface AloneTimes {
  wallMs: number;
  cpuMs: number;
}

export async function timeAlone(targets: readonly AloneTarget[], count: number): Promise<AloneTimes[]> {
  const samples = targets.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < targets.length; j++) {
      const k = (i + j) % targets.length;
      const target = targets[k]!;
      const cpu = process.cpuUsage();
      const started = performance.now();
      const res = await fetch(target.url, { method: "POST", headers: target.headers, body: target.body });
      await res.arrayBuffer();
      samples[k]!.wall.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      samples[k]!.cpu.push((used.user + used.system) / 1000);
      if (res.status !== 200) throw new Error(`${target.name}: HTTP ${res.status} alone`);
    }
  }
  return samples.map((s) => ({ wallMs: median(s.wall), cpuMs: median(s.cpu) }));
}
