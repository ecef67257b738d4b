/** Seeding is finite and linear at any size: unique names and phone numbers never run out of candidates. */
import { describe, expect, it } from "vitest";
import { fallbackPhoneNumber } from "../../src/db/seed/data.js";
import { Rng } from "../../src/db/seed/random.js";
import { uniqueName } from "../../src/db/seed/uniqueName.js";

describe("seeding at scale", () => {
  it("one common name asked for 20,000 times gives 20,000 distinct usernames and emails", () => {
    const r = new Rng(7);
    const usernames = new Set<string>();
    const emails = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      uniqueName(usernames, "anna.smith", r);
      uniqueName(emails, "anna.smith", r, (b, suffix) => `${b}${suffix ?? ""}@example.com`);
    }
    expect(usernames.size).toBe(20_000);
    expect(emails.size).toBe(20_000);
    expect([...emails].every((e) => e.endsWith("@example.com"))).toBe(true);
  });

  it("the fallback phone numbers are distinct for the first 700,000 k (the fiction blocks and past them), in the 555 exchange", () => {
    const seen = new Set<string>();
    const malformed: string[] = [];
    let skipped = 0;
    for (let k = 0; k < 700_000; k++) {
      const number = fallbackPhoneNumber(k);
      if (number === null) {
        skipped++;
        continue;
      }
      if (!/^\+1 \d{3} 555 \d{4}$/.test(number) || number.endsWith("555 1212")) malformed.push(number);
      seen.add(number);
    }
    expect(malformed).toEqual([]);
    expect(seen.size).toBe(700_000 - skipped);
  });
});
