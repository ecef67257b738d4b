import { cpus, platform, release } from "node:os";

/** The date, machine and versions lines that head a results file. */
export function machineHeader(postgresVersion: string, extra: string[] = []): string {
  const cpu = cpus();
  return [
    `- date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
    `- machine: ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${cpu.length} cores, ${platform()} ${release()}`,
    `- Node.js ${process.version}, PostgreSQL ${postgresVersion} (throwaway server on loopback, default settings as in \`.ci/run\`)${extra.length ? `, ${extra.join(", ")}` : ""}`,
  ].join("\n");
}
