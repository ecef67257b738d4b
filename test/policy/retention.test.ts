import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATEGORIES, categoryLineage, DEFAULT_POLICY } from "../../src/policy/index.js";
import {
  describeRetention,
  formatPeriod,
  formatRetentionTable,
  type RetentionRule,
  retentionCutoff,
  retentionFor,
  summarizeRetention,
} from "../../src/policy/retention.js";

const DAY = 86_400_000;
/** Milliseconds since the start of the UTC day, also before 1970. */
const intoDay = (t: number) => (((t % DAY) + DAY) % DAY) + 0;

describe("retention", () => {
  it("covers every category of the taxonomy", () => {
    expect(CATEGORIES.filter((c) => retentionFor(DEFAULT_POLICY, c) === null)).toEqual([]);
  });

  it("inherits a parent's rule unless the key has its own", () => {
    expect(retentionFor(DEFAULT_POLICY, "user.contact.email")?.key).toBe("user.contact");
    expect(retentionFor(DEFAULT_POLICY, "user.device.ip_address")).toMatchObject({
      key: "user.device.ip_address",
      period: { days: 90 },
      action: { kind: "anonymize", mask: "IP_TRUNCATE" },
    });
    expect(retentionFor(DEFAULT_POLICY, "user.device")).toMatchObject({ period: { months: 13 }, action: { kind: "delete" } });
    expect(retentionFor(DEFAULT_POLICY, "user.behavior.browsing_history")).toMatchObject({
      period: { months: 13 },
      action: { kind: "delete" },
    });
    expect(retentionFor(DEFAULT_POLICY, "user.content.private")).toMatchObject({ period: { years: 2 }, clock: "closure" });
    expect(retentionFor(DEFAULT_POLICY, "user.location.precise")).toMatchObject({ period: { days: 90 }, action: { kind: "nullify" } });
    expect(retentionFor(DEFAULT_POLICY, "user.behavior.purchase_history")).toMatchObject({ period: { years: 10 }, legalHold: true });
    expect(retentionFor(DEFAULT_POLICY, "user.privacy_preferences")).toMatchObject({
      period: { years: 3 },
      clock: "relationship_end",
      legalHold: true,
    });
    expect(retentionFor(DEFAULT_POLICY, "user.name")).toMatchObject({ clock: "account_life", action: { kind: "keep" } });
    expect(retentionFor(DEFAULT_POLICY, "user.nonexistent")).toBeNull();
  });

  it("describes every entry in a sentence", () => {
    for (const rule of DEFAULT_POLICY.retention.values()) {
      expect(describeRetention(rule)).toMatch(/^[A-Z].*\.$/);
      expect(rule.rationale.length).toBeGreaterThan(10);
    }
    expect(describeRetention(DEFAULT_POLICY.retention.get("user.device.ip_address")!)).toContain("90 days after collection");
    expect(formatPeriod({ years: 1, months: 1 })).toBe("1 year 1 month");
  });

  it("draws cutoffs from the start of the UTC day, clamping month ends", () => {
    expect(retentionCutoff(new Date("2026-11-01T17:45:00Z"), { months: 13 }).toISOString()).toBe("2025-10-01T00:00:00.000Z");
    expect(retentionCutoff(new Date("2026-03-31T08:00:00Z"), { months: 1 }).toISOString()).toBe("2026-02-28T00:00:00.000Z");
    expect(retentionCutoff(new Date("2026-11-01T00:00:00Z"), { days: 90 }).toISOString()).toBe("2026-08-03T00:00:00.000Z");
    expect(retentionCutoff(new Date("2028-02-29T12:00:00Z"), { years: 2 }).toISOString()).toBe("2026-02-28T00:00:00.000Z");
  });

  it("resolves any key to its nearest ancestor's entry (its own first), or to none", () => {
    const segment = fc.stringMatching(/^[a-z_]{1,6}$/);
    const key = fc
      .tuple(fc.constantFrom("", ...CATEGORIES), fc.array(segment, { maxLength: 2 }))
      .map(([base, rest]) => [base, ...rest].filter((s) => s !== "").join("."))
      .filter((k) => k !== "");
    fc.assert(
      fc.property(key, (category) => {
        const from = categoryLineage(category).find((k) => DEFAULT_POLICY.retention.has(k));
        const resolved = retentionFor(DEFAULT_POLICY, category);
        if (from === undefined) expect(resolved).toBeNull();
        else expect(resolved).toEqual({ ...DEFAULT_POLICY.retention.get(from), key: from });
      }),
      { seed: 2513, numRuns: 1000 },
    );
  });

  it("formats periods part by part, singular for one, and an empty period as 0 days", () => {
    expect(formatPeriod({})).toBe("0 days");
    expect(formatPeriod({ months: 13 })).toBe("13 months");
    expect(formatPeriod({ years: 1, days: 2 })).toBe("1 year 2 days");
    expect(formatPeriod({ years: 2, months: 1, days: 1 })).toBe("2 years 1 month 1 day");
  });

  it("cuts off at a UTC midnight, the same all day, a day earlier for each day more, a year as twelve months", () => {
    const instant = fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2090-12-31T23:59:59Z"), noInvalidDate: true });
    const count = fc.nat({ max: 400 });
    fc.assert(
      fc.property(instant, count, count, fc.nat({ max: 30 }), (now, days, months, years) => {
        const cutoff = retentionCutoff(now, { years, months, days });
        expect(intoDay(cutoff.getTime())).toBe(0);
        expect(cutoff.getTime()).toBeLessThanOrEqual(now.getTime());
        const midnight = new Date(now.getTime() - intoDay(now.getTime()));
        expect(retentionCutoff(midnight, { years, months, days })).toEqual(cutoff);
        expect(retentionCutoff(now, { years, months, days: days + 1 }).getTime()).toBe(cutoff.getTime() - DAY);
        expect(retentionCutoff(now, { months: months + 12 * years, days })).toEqual(cutoff);
      }),
      { seed: 2514, numRuns: 1000 },
    );
  });

  it("summarises a rule for tables: period, clock, action, legal hold; account_life as the life of the account", () => {
    const rule = (key: string): RetentionRule => DEFAULT_POLICY.retention.get(key)!;
    expect(summarizeRetention(rule("user.device"))).toBe("13 months after collection, then deleted");
    expect(summarizeRetention(rule("user.device.ip_address"))).toBe("90 days after collection, then anonymised");
    expect(summarizeRetention(rule("user.location"))).toBe("90 days after collection, then removed");
    expect(summarizeRetention(rule("user.content"))).toBe("2 years after the record is closed, then deleted");
    expect(summarizeRetention(rule("user.behavior.purchase_history"))).toBe("10 years after collection, then deleted (legal hold)");
    expect(summarizeRetention(retentionFor(DEFAULT_POLICY, "user.name")!)).toBe("life of the account");
    expect(describeRetention(retentionFor(DEFAULT_POLICY, "user.name")!)).toMatch(/^Kept for the life of the account;/);
    expect(describeRetention(rule("user.behavior.purchase_history"))).toContain("Under legal hold");
    expect(describeRetention(rule("user.device"))).not.toContain("legal hold");
  });

  it("prints the schedule as a table, one row per entry in the policy's order", () => {
    const lines = formatRetentionTable(DEFAULT_POLICY).split("\n");
    expect(lines.slice(0, 2)).toEqual(["| category | retention | description |", "|---|---|---|"]);
    const entries = [...DEFAULT_POLICY.retention];
    expect(lines.slice(2)).toHaveLength(entries.length);
    entries.forEach(([key, rule], i) => {
      expect(lines[i + 2]).toBe(`| \`${key}\` | ${summarizeRetention(rule)} | ${describeRetention(rule)} ${rule.rationale} |`);
    });
  });
});
