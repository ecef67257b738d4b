/**
 * Reads a Prometheus text exposition into samples keyed `name{label="value",...}` with labels
 * sorted by name, so a test can look a series up without caring about label order.
 */
export type Samples = Map<string, number>;

export function parsePrometheus(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels = [...(match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k!, v!] as const);
    samples.set(series(match[1]!, Object.fromEntries(labels)), Number(match[3]));
  }
  return samples;
}

/** The key of one series: `series("gateway_errors_total", { code: "FORBIDDEN" })`. */
export function series(name: string, labels: Record<string, string> = {}): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}="${labels[k]}"`).join(",")}}`;
}

/** How much each series moved between two scrapes (absent before: counted from zero). */
export function delta(before: Samples, after: Samples, name: string, labels: Record<string, string> = {}): number {
  const key = series(name, labels);
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}
