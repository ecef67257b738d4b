import { describe, expect, it } from "vitest";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { personalColumns } from "../../src/datamap/columns.js";
import { CATEGORIES } from "../../src/policy/categories.js";
import { describeRetention, formatPeriod, retentionCutoff, retentionFor } from "../../src/policy/retention.js";
import { planPurge } from "../../src/retention/purge.js";
import { PURGE_TABLES } from "../../src/retention/tables.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

describe("the retention schedule", () => {
  it("covers every category of the data map and every personal column (a new category needs a rule)", async () => {
    const dataMap = getDataMap(await buildGatewaySchema());
    const missing = [...dataMap.categories, ...personalColumns(dataMap).map((c) => c.category)].filter(
      (c) => retentionFor(DEFAULT_POLICY, c) === null,
    );
    expect(missing).toEqual([]);
  });

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

  it("can plan a purge for every table that holds personal data", async () => {
    const columns = personalColumns(getDataMap(await buildGatewaySchema()));
    expect([...new Set(columns.map((c) => c.table))].filter((t) => !PURGE_TABLES[t])).toEqual([]);
    const plan = planPurge(DEFAULT_POLICY, columns, new Date("2026-11-01T00:00:00Z"));
    const summary = plan.map((p) => `${p.table}:${p.category}:${p.action}`);
    expect(summary).toEqual(
      expect.arrayContaining([
        "visits:user.behavior.browsing_history:delete_rows",
        "visits:user.device.ip_address:anonymize",
        "submitted_messages:user.content.private:delete_rows",
        "profiles:user.location.precise:null_columns",
        "purchases:user.behavior.purchase_history:delete_rows",
        "consent_events:user.privacy_preferences:delete_rows",
      ]),
    );
    // Row deletions come first within a table.
    const visits = plan.filter((p) => p.table === "visits").map((p) => p.action);
    expect(visits[0]).toBe("delete_rows");
  });
});
