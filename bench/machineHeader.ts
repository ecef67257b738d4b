import { cpus, platform, release } from "node:os";

/** The V8 and Node.js flags this process runs with (`npm start`'s, through package.json), as the header shows them. */
const nodeFlags = () => {
  const flags = [
    ...process.execArgv.filter((a) => a.startsWith("--") && !a.startsWith("--import") && !a.startsWith("--require")),
    ...(process.env.NODE_OPTIONS ?? "").split(/\s+/).filter(Boolean),
  ];
  if (process.env.NODE_ENV) flags.push(`NODE_ENV=${process.env.NODE_ENV}`);
  return flags.length > 0 ? ` (${flags.join(" ")})` : " (no flags)";
};

/** The date, machine and versions lines that head a results file. */
export function machineHeader(postgresVersion: string, extra: string[] = []): string {
  const cpu = cpus();
  return [
    `- date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
    `- machine: ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${cpu.length} cores, ${platform()} ${release()}`,
    `- Node.js ${process.version}${nodeFlags()}, PostgreSQL ${postgresVersion} (throwaway server on loopback, default settings as in \`.ci/run\`)${extra.length ? `, ${extra.join(", ")}` : ""}`,
  ].join("\n");
}
