import type { PurgeReport } from "./purge.js";

function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The report as plain-text tables: per table, then per rule. Counts only. */
export function formatPurgeReport(report: PurgeReport): string {
  const out: string[] = [];
  out.push(
    `${report.dryRun ? "Dry run (nothing changed)" : `Purge run ${report.runId ?? ""}`.trimEnd()} as of ${report.ranAt}, policy ${report.policyVersion}`,
    "",
  );
  out.push(
    table(
      ["table", "deleted", "anonymised", "held (restricted)"],
      report.tables.map((t) => [t.table, String(t.deleted), String(t.anonymised), String(t.held)]),
      new Set([1, 2, 3]),
    ),
  );
  out.push("", "Rules applied:", "");
  out.push(
    table(
      ["table", "category", "action", "columns", "due before", "retention", "deleted", "anonymised", "held"],
      report.actions.map((a) => [
        a.table,
        a.category,
        a.action,
        a.columns.join(","),
        a.cutoff.slice(0, 10),
        a.retention,
        String(a.deleted),
        String(a.anonymised),
        String(a.held),
      ]),
      new Set([6, 7, 8]),
    ),
  );
  const log = report.disclosureLog;
  out.push(
    "",
    `Disclosure log (${log.retention}; records before ${log.cutoff.slice(0, 10)} due, a month at a time): ${
      log.deferred
        ? "deferred, the log could not be locked in time; the next run tries again"
        : `${log.partitionsDropped.length} monthly partitions dropped${log.partitionsDropped.length > 0 ? ` (${log.partitionsDropped.join(", ")})` : ""}, ${log.recordsDeleted} records deleted from the default partition, ${log.held} held (restricted)`
    }.`,
  );
  const storage = report.storage;
  if (storage) {
    const how =
      storage.method === "vacuum_full" ? "rewritten (VACUUM FULL, then the WAL switched and checkpointed)" : "vacuumed (VACUUM ANALYZE)";
    out.push(
      "",
      storage.failure === null
        ? `Storage: ${storage.tables.join(", ")} ${how} in ${storage.ms} ms, so that what was removed leaves the database's files.`
        : `Storage: reclaiming ${storage.tables.join(", ")} FAILED (${storage.failure}); the purge stands, and removed values stay in the database's files until the next run that changes these tables.`,
    );
  }
  return `${out.join("\n")}\n`;
}
