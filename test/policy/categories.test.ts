import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATEGORIES, categoryLineage, isCategory, matchesPrefix } from "../../src/policy/index.js";
import { loadFixtureCategories } from "./fixtureTables.js";

describe("categories", () => {
  it("are exactly DESIGN.md's category keys plus this gateway's two additions (fixture)", () => {
    const design = loadFixtureCategories();
    expect(design).toContain("user.contact.address.delivery");
    expect(design).toContain("user.account");
    expect([...CATEGORIES].sort()).toEqual([...design].sort());
    expect(new Set(CATEGORIES).size).toBe(CATEGORIES.length);
  });

  it("isCategory accepts known keys only", () => {
    for (const c of CATEGORIES) expect(isCategory(c)).toBe(true);
    for (const s of ["user", "user.contact", "user.contact.email.x", "USER.NAME", "", 42, null]) expect(isCategory(s)).toBe(false);
  });

  it("categoryLineage lists the key then its ancestors", () => {
    expect(categoryLineage("user.contact.email")).toEqual(["user.contact.email", "user.contact", "user"]);
    expect(categoryLineage("user")).toEqual(["user"]);
    expect(categoryLineage("")).toEqual([]);
  });

  it("matchesPrefix matches whole segments only", () => {
    expect(matchesPrefix("user.contact.email", "user.contact")).toBe(true);
    expect(matchesPrefix("user.contact.email", "user")).toBe(true);
    expect(matchesPrefix("user.contact.email", "user.contact.email")).toBe(true);
    expect(matchesPrefix("user.contactx", "user.contact")).toBe(false);
    expect(matchesPrefix("user.contact", "user.contact.email")).toBe(false);
    expect(matchesPrefix("user.contact.email", "")).toBe(false);
    expect(matchesPrefix("user.contact.email", "user.")).toBe(false);
  });

  it("matchesPrefix(c, p) holds exactly when p is in c's lineage", () => {
    const segment = fc.stringMatching(/^[a-z_]{1,4}$/);
    const key = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join("."));
    fc.assert(
      fc.property(key, key, (c, p) => {
        expect(matchesPrefix(c, p)).toBe(categoryLineage(c).includes(p));
        const lineage = categoryLineage(c);
        expect(lineage[0]).toBe(c);
        for (const ancestor of lineage) expect(matchesPrefix(c, ancestor)).toBe(true);
      }),
      { seed: 20261101, numRuns: 2000 },
    );
  });
});
