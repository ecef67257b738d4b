import { describe, expect, it } from "vitest";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { personalColumns } from "../../src/datamap/columns.js";
import { retentionFor } from "../../src/policy/retention.js";
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
