/**
 * A subject's access report (GDPR art. 15) files every personal column under the category and
 * retention the data map and the purge use: one table (src/enforcement/personalColumns.ts) for all
 * three, the deliberately unexposed columns included.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { personalColumns } from "../../src/datamap/columns.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";
import { purchases } from "../../src/db/schema/index.js";
import { retentionOf } from "../../src/dsr/retention.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { officer, verified } from "./support.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 40, seed: 23 });
});
afterAll(async () => {
  await gw?.close();
});

const PAGE = `query Page($id: ID!, $after: String) { accessReport(requestId: $id, first: 500, after: $after) {
  entries { table column category retention } pageInfo { hasNextPage endCursor } } }`;

describe("the access report's categories", () => {
  it("equal the data map's for every personal column the subject has, with a retention that is set", async () => {
    const [buyer] = await gw.database.db
      .select({ id: purchases.customerId })
      .from(purchases)
      .where(sql`${purchases.invoiceRef} is not null and ${purchases.taxRate} is not null`)
      .limit(1);
    const id = await verified(gw, buyer!.id, "ACCESS");
    const entries: { table: string; column: string; category: string | null; retention: string }[] = [];
    for (let after: string | null = null; ; ) {
      const res = await gw.post({ query: PAGE, variables: { id, after } }, await officer(gw));
      expect(res.body.errors).toBeUndefined();
      entries.push(...res.body.data.accessReport.entries);
      if (!res.body.data.accessReport.pageInfo.hasNextPage) break;
      after = res.body.data.accessReport.pageInfo.endCursor;
    }
    const map = new Map(personalColumns(getDataMap(await buildGatewaySchema())).map((c) => [`${c.table}.${c.column}`, c.category]));
    const seen = new Set<string>();
    for (const e of entries) {
      const key = `${e.table}.${e.column}`;
      seen.add(key);
      expect(map.has(key), key).toBe(true);
      expect({ key, category: e.category, retention: e.retention }).toEqual({
        key,
        category: map.get(key),
        retention: retentionOf(DEFAULT_POLICY, map.get(key)!),
      });
      expect(e.retention, key).not.toBe("not set");
    }
    expect(seen).toContain("purchases.invoice_ref");
    expect(seen).toContain("purchases.tax_rate");
  });
});
