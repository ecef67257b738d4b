import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** The line in a results file below which its hand-written notes (what was tried) live. */
export const NOTES_MARKER = "<!-- Notes below this line are written by hand and kept by the benchmark. -->";

/**
 * Writes a benchmark's results file: the run's `generated` markdown, then the marker and the notes
 * an existing file holds below it, so that a run replaces its table and keeps the notes.
 */
export function writeResults(file: string, generated: string): void {
  const notes = existsSync(file) ? readFileSync(file, "utf8").split(NOTES_MARKER)[1] : undefined;
  writeFileSync(file, `${generated.trimEnd()}\n\n${NOTES_MARKER}\n${notes ?? "\n"}`);
}
