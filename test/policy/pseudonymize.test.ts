import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PURPOSES, pseudonymize } from "../../src/policy/index.js";

const KEY = "k".repeat(32);
const opts = { seed: 1101, numRuns: 500 };

describe("pseudonymize", () => {
  it("is ps_ plus 22 base64url characters", () => {
    expect(pseudonymize(KEY, "analytics", "user.contact.email", "ada@example.com")).toMatch(/^ps_[A-Za-z0-9_-]{22}$/);
  });

  it("is stable per key, purpose and category; differs across purposes, categories and keys", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...PURPOSES), fc.constantFrom(...PURPOSES), (v, p, q) => {
        const a = pseudonymize(KEY, p, "user.name", v);
        expect(a).toBe(pseudonymize(KEY, p, "user.name", v));
        expect(a).toMatch(/^ps_[A-Za-z0-9_-]{22}$/);
        if (p !== q) expect(a).not.toBe(pseudonymize(KEY, q, "user.name", v));
        expect(a).not.toBe(pseudonymize(KEY, p, "user.device", v));
        expect(a).not.toBe(pseudonymize(`${KEY}x`, p, "user.name", v));
        expect(a).not.toContain(v.length > 3 ? v : "\u0000never");
      }),
      opts,
    );
  });

  it("different values give different pseudonyms", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(pseudonymize(KEY, "analytics", "user.name", a)).not.toBe(pseudonymize(KEY, "analytics", "user.name", b));
      }),
      opts,
    );
  });

  it("does not let field boundaries shift (purpose/category/value are framed)", () => {
    expect(pseudonymize(KEY, "ab", "c", "d")).not.toBe(pseudonymize(KEY, "a", "bc", "d"));
    expect(pseudonymize(KEY, "a", "b|c", "d")).not.toBe(pseudonymize(KEY, "a", "b", "c|d"));
  });

  it("accepts a byte key equal to the string key", () => {
    expect(pseudonymize(new TextEncoder().encode(KEY), "analytics", "user.name", "Ada")).toBe(
      pseudonymize(KEY, "analytics", "user.name", "Ada"),
    );
  });

  it("stringifies numbers, withholds other types, refuses an empty key", () => {
    expect(pseudonymize(KEY, "analytics", "user.unique_id.account_number", 1234)).toBe(
      pseudonymize(KEY, "analytics", "user.unique_id.account_number", "1234"),
    );
    for (const v of [true, null, undefined, Number.NaN, {}, ["a"]]) expect(pseudonymize(KEY, "analytics", "user.name", v)).toBeNull();
    expect(() => pseudonymize("", "analytics", "user.name", "x")).toThrow(RangeError);
  });
});
