/**
 * The disclosure log is partitioned by month (UTC): records land in their month's partition once
 * it exists, in the default partition otherwise, and are read the same either way; creating the
 * partitions is idempotent, safe when run at once, and never fails for a month whose records
 * already sit in the default partition.
 */
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { ensureDisclosurePartitions, PARTITION_MONTHS_AHEAD } from "../../src/db/ensureDisclosurePartitions.js";
import { disclosureLog } from "../../src/db/schema/index.js";
import { writeDisclosures } from "../../src/enforcement/disclosureRecords.js";
import { disclosurePartitions } from "../helpers/disclosurePartitions.js";
import { disclosureRow } from "../helpers/disclosureRow.js";
import { queryRows } from "../helpers/queryRows.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** Where each record of a request was stored, by partition. */
const placement = async (requestId: string) =>
  (
    await queryRows<{ partition: string }>(
      database.db,
      sql`
  select tableoid::regclass::text as partition from disclosure_events where request_id = ${requestId} order by recorded_at`,
    )
  ).map((r) => r.partition);

describe("the disclosure log's monthly partitions", () => {
  it("creates this month's and the next months' partitions, once, even when asked at once", async () => {
    const now = new Date("2031-11-20T12:00:00Z");
    await Promise.all([ensureDisclosurePartitions(database.db, now), ensureDisclosurePartitions(database.db, now)]);
    await ensureDisclosurePartitions(database.db, now);
    const names = await disclosurePartitions(database.db);
    expect(names).toEqual(
      expect.arrayContaining([
        "disclosure_events_default",
        "disclosure_events_2031_11",
        "disclosure_events_2031_12",
        "disclosure_events_2032_01",
      ]),
    );
    expect(names.filter((n) => n.startsWith("disclosure_events_2031") || n.startsWith("disclosure_events_2032"))).toHaveLength(
      PARTITION_MONTHS_AHEAD + 1,
    );
  });

  it("stores a record in its UTC month's partition, else in the default one, and reads both back", async () => {
    await ensureDisclosurePartitions(database.db, new Date("2031-11-01T00:00:00Z"));
    const requestId = randomUUID();
    const rows = [
      disclosureRow({ requestId, recordedAt: new Date("2031-11-30T23:59:59.999Z") }), // the last instant of November, UTC
      disclosureRow({ requestId, recordedAt: new Date("2031-12-01T00:00:00.000Z") }), // the first of December
      disclosureRow({ requestId, recordedAt: new Date("2040-06-15T08:00:00Z") }), // no partition for that month
    ];
    await writeDisclosures(database.db, rows);
    expect(await placement(requestId)).toEqual(["disclosure_events_2031_11", "disclosure_events_2031_12", "disclosure_events_default"]);
    const read = await database.db.select().from(disclosureLog).where(eq(disclosureLog.requestId, requestId));
    expect(read.map((r) => r.customerId).sort()).toEqual(rows.map((r) => r.customerId).sort());
  });

  it("leaves a month whose records are in the default partition there, without failing", async () => {
    const requestId = randomUUID();
    await writeDisclosures(database.db, [disclosureRow({ requestId, recordedAt: new Date("2045-03-10T00:00:00Z") })]);
    await ensureDisclosurePartitions(database.db, new Date("2045-02-01T00:00:00Z"));
    const names = await disclosurePartitions(database.db);
    expect(names).toContain("disclosure_events_2045_02");
    expect(names).not.toContain("disclosure_events_2045_03");
    expect(names).toContain("disclosure_events_2045_04");
    expect(await placement(requestId)).toEqual(["disclosure_events_default"]);
  });
});
