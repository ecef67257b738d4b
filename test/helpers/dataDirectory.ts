/**
 * An embedded database's directory read as bytes, for tests that a removed value is gone from the
 * files (tables, indexes, TOAST, write-ahead log), not only from what SQL shows.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Where each needle occurs under `dir` (paths relative to it), needles found nowhere left out.
 * `find` lists the candidate strings in one file's bytes read as latin1 (one character per byte).
 */
export function occurrences(dir: string, needles: ReadonlySet<string>, find: (text: string) => Iterable<string>): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      const seen = new Set<string>();
      for (const candidate of find(readFileSync(path).toString("latin1"))) {
        if (needles.has(candidate) && !seen.has(candidate)) {
          seen.add(candidate);
          found.set(candidate, [...(found.get(candidate) ?? []), relative(dir, path)]);
        }
      }
    }
  };
  walk(dir);
  return found;
}

/**
 * IP address texts (IPv4, and IPv6 in 2001:db8::/32, the seed's ranges) as PostgreSQL stores a
 * short text in a row or a WAL record: one header byte, odd, giving the length ((n + 1) * 2 + 1),
 * then the bytes. Reading exactly that many keeps `192.0.2.1` apart from `192.0.2.17`.
 */
/** `needle in path` for every place a needle is left among the directory's paths that `folder` accepts. */
export function placesLeft(
  dir: string,
  needles: ReadonlySet<string>,
  find: (text: string) => Iterable<string>,
  folder: (path: string) => boolean,
): string[] {
  return [...occurrences(dir, needles, find)].flatMap(([needle, paths]) => paths.filter(folder).map((path) => `${needle} in ${path}`));
}

export function* storedIpTexts(text: string): Iterable<string> {
  for (const m of text.matchAll(/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d|2001:db8:/g)) {
    const header = text.charCodeAt(m.index - 1);
    if (m.index > 0 && (header & 1) === 1) yield text.slice(m.index, m.index + (header >> 1) - 1);
  }
}
