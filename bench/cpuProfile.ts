/**
 * Where this process's CPU goes, by function and by package: the sampling profiler of V8 through
 * `node:inspector`, started and stopped around the blocks one wants to see (bench:where's sides,
 * `BENCH_PROFILE=1`). Samples from several start/stop spans add up. Self time only: a function's
 * own samples, not its callees'; "by area" sums them per package (node_modules/<name>), per
 * folder of src/, or node's own internals, which tells a framework's cost from the gateway's.
 * "Inclusive" is a function's samples with its callees', for the functions of src/ (a recursive
 * call counted once per stack).
 */
import { Session } from "node:inspector/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfiler {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Top functions and areas by self samples, as printable lines. */
  report(top: number): string[];
}

/** `…/node_modules/@apollo/server/…` -> `@apollo/server`, `…/src/enforcement/x.ts` -> `src/enforcement`. */
function areaOf(url: string): string {
  if (url === "") return "(native, gc, idle)";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const [first, second] = url.slice(modules + "/node_modules/".length).split("/");
    return first!.startsWith("@") ? `${first}/${second}` : first!;
  }
  const src = url.match(/\/(src|bench)\/([^/]+)\//);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith("node:")) return "node internals";
  return url.replace(/^file:\/\/.*\//, "");
}

export async function createCpuProfiler(): Promise<CpuProfiler> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  return {
    start: () => session.post("Profiler.start"),
    async stop() {
      const { profile } = await session.post("Profiler.stop");
      const nodes = new Map((profile.nodes as ProfileNode[]).map((n) => [n.id, n]));
      const keyOf = (node: ProfileNode) => {
        const { functionName, url, lineNumber } = node.callFrame;
        const file = url.replace(/^.*\/(node_modules|src|bench)\//, "$1/").replace(/^file:\/\//, "");
        return `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
      };
      /** Samples of the subtree at `id`; adds them to each src/ function not already on the stack. */
      const walk = (id: number, onStack: Set<string>): number => {
        const node = nodes.get(id)!;
        const key = keyOf(node);
        const mine = node.callFrame.url.includes("/src/") && !onStack.has(key);
        if (mine) onStack.add(key);
        let hits = node.callFrame.functionName === "(idle)" ? 0 : (node.hitCount ?? 0);
        for (const child of node.children ?? []) hits += walk(child, onStack);
        if (mine) {
          onStack.delete(key);
          add(inclusive, key, hits);
        }
        return hits;
      };
      walk((profile.nodes as ProfileNode[])[0]!.id, new Set());
      for (const node of profile.nodes as ProfileNode[]) {
        const hits = node.hitCount ?? 0;
        if (hits === 0) continue;
        if (node.callFrame.functionName === "(idle)") continue;
        total += hits;
        add(byFunction, keyOf(node), hits);
        add(byArea, areaOf(node.callFrame.url), hits);
      }
    },
    report(top) {
      const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
      const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
      return [
        `  by area (self samples, ${total} busy samples):`,
        ...sorted(byArea).map(([k, n]) => `    ${pct(n)}  ${k}`),
        "  by function:",
        ...sorted(byFunction).map(([k, n]) => `    ${pct(n)}  ${k}`),
        "  inclusive, functions of src/:",
        ...sorted(inclusive).map(([k, n]) => `    ${pct(n)}  ${k}`),
      ];
    },
  };
}
