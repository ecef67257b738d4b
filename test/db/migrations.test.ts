import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("drizzle/ migrations journal", () => {
  // drizzle-orm #5316: a migration whose timestamp is older than the last applied one is skipped silently.
  it("has strictly increasing timestamps and one SQL file per entry", () => {
    const journal = JSON.parse(readFileSync(new URL("../../drizzle/meta/_journal.json", import.meta.url), "utf8")) as {
      entries: { idx: number; when: number; tag: string }[];
    };
    expect(journal.entries.length).toBeGreaterThan(0);
    journal.entries.forEach((entry, i) => {
      expect(entry.idx).toBe(i);
      if (i > 0) expect(entry.when).toBeGreaterThan(journal.entries[i - 1]!.when);
      expect(readFileSync(new URL(`../../drizzle/${entry.tag}.sql`, import.meta.url), "utf8").length).toBeGreaterThan(0);
    });
  });
});
