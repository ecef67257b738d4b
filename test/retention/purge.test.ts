import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, DatabaseHandle } from "../../src/db/client.js";
import { SEED_AS_OF, seed } from "../../src/db/seed/seed.js";
import { personalColumns, type PersonalColumn } from "../../src/datamap/columns.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { truncateIp } from "../../src/policy/masks.js";
import { purge, type PurgeReport } from "../../src/retention/purge.js";
import { queryRows } from "../helpers/queryRows.js";
import { createTestDatabase } from "../helpers/testDatabase.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

async function count(db: Database, query: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(db, query);
  return Number(row?.n ?? 0);
}

const DAY = 86_400_000;
/** The seed's clock plus 14 months. */
const NOW = new Date(Date.UTC(SEED_AS_OF.getUTCFullYear(), SEED_AS_OF.getUTCMonth() + 14, SEED_AS_OF.getUTCDate()));
const VISIT_CUTOFF = new Date(Date.UTC(2026, 11, 1)); // 13 months before 2028-01-01
const IP_CUTOFF = new Date(NOW.getTime() - 90 * DAY);
const MESSAGE_CUTOFF = new Date(Date.UTC(2026, 0, 1)); // 2 years before
const iso = (d: Date) => d.toISOString();
const RESTRICTED = sql`exists (select 1 from customers c where c.id = t.customer_id and c.status = 'restricted')`;

const FRESH = {
  yearOld: "00000000-0000-4000-8000-00000000a001",
  monthOld: "00000000-0000-4000-8000-00000000a002",
  v6Old: "00000000-0000-4000-8000-00000000a003",
  restricted: "00000000-0000-4000-8000-00000000a004",
  sixToFourOld: "00000000-0000-4000-8000-00000000a005",
};

describe("purge at the seed's clock + 14 months", () => {
  let handle: DatabaseHandle;
  let db: Database;
  let columns: PersonalColumn[];
  let active: string;
  let restricted: string;
  const before = { oldVisits: 0, heldVisits: 0, newerClosed: 0, oldClosed: 0, legalHold: "" };
  let dry: PurgeReport;
  let first: PurgeReport;
  let second: PurgeReport;

  const legalHoldSnapshot = async () =>
    JSON.stringify(
      await queryRows(
        db,
        sql`
    select p.id, p.customer_id, p.product, p.amount_cents, p.currency, p.purchased_at::text, p.invoice_ref, p.tax_rate::text,
      (select json_agg(json_build_object('id', a.id, 'n', a.account_number, 'p', a.product, 's', a.status) order by a.id) from accounts a where a.customer_id = p.customer_id) as accounts,
      (select row_to_json(pr) from profiles pr where pr.customer_id = p.customer_id) as profile
    from purchases p join customers c on c.id = p.customer_id where c.status = 'erased' order by p.id`,
      ),
    );

  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    columns = personalColumns(getDataMap(await buildGatewaySchema()));
    await seed(db, { customers: 80 });
    [active, restricted] = (await Promise.all(
      ["active", "restricted"].map(async (status) => {
        const [row] = await queryRows<{ id: string }>(db, sql`select id from customers where status = ${status} order by id limit 1`);
        return row?.id as string;
      }),
    )) as [string, string];

    // Rows newer than the seed's, so that "nothing newer" means something at seed time + 14 months.
    const visit = (id: string, customer: string, ip: string, at: Date) =>
      db.execute(sql`
      insert into visits (id, customer_id, ip_address, user_agent, device, operating_system, language, referrer, page, visited_at)
      values (${id}, ${customer}, ${ip}, 'UA', 'desktop', 'Linux', 'en-GB', null, '/', ${iso(at)}::timestamptz)`);
    await visit(FRESH.yearOld, active, "198.51.100.77", new Date(NOW.getTime() - 365 * DAY));
    await visit(FRESH.monthOld, active, "2001:db8:abcd:12::1", new Date(NOW.getTime() - 30 * DAY));
    await visit(FRESH.v6Old, active, "2001:db8:abcd:12:1:2:3:4", new Date(NOW.getTime() - 200 * DAY));
    await visit(FRESH.restricted, restricted, "203.0.113.9", new Date(NOW.getTime() - 365 * DAY));
    await visit(FRESH.sixToFourOld, active, "2002:c633:6401:12::1", new Date(NOW.getTime() - 200 * DAY)); // 6to4 for 198.51.100.1
    await db.execute(sql`update profiles set location_latitude = 48.85, location_longitude = 2.35,
      location_recorded_at = ${iso(new Date(NOW.getTime() - 10 * DAY))}::timestamptz where customer_id = ${active}`);
    await db.execute(sql`insert into submitted_messages (customer_id, subject, body, status, submitted_at, closed_at)
      values (${active}, 'S', 'B', 'closed', ${iso(new Date(NOW.getTime() - 400 * DAY))}::timestamptz, ${iso(new Date(NOW.getTime() - 365 * DAY))}::timestamptz)`);

    before.oldVisits = await count(
      db,
      sql`select count(*) as n from visits t where visited_at < ${iso(VISIT_CUTOFF)}::timestamptz and not ${RESTRICTED}`,
    );
    before.heldVisits = await count(
      db,
      sql`select count(*) as n from visits t where visited_at < ${iso(VISIT_CUTOFF)}::timestamptz and ${RESTRICTED}`,
    );
    before.oldClosed = await count(
      db,
      sql`select count(*) as n from submitted_messages t where closed_at < ${iso(MESSAGE_CUTOFF)}::timestamptz and not ${RESTRICTED}`,
    );
    before.newerClosed = await count(
      db,
      sql`select count(*) as n from submitted_messages t where closed_at >= ${iso(MESSAGE_CUTOFF)}::timestamptz or closed_at is null`,
    );
    before.legalHold = await legalHoldSnapshot();

    dry = await purge(db, { policy: DEFAULT_POLICY, now: NOW, columns, dryRun: true });
    first = await purge(db, { policy: DEFAULT_POLICY, now: NOW, columns });
    second = await purge(db, { policy: DEFAULT_POLICY, now: new Date(NOW.getTime() + 20 * 3_600_000), columns });
  });

  afterAll(async () => {
    await handle?.close();
  });

  const table = (report: PurgeReport, name: string) => report.tables.find((t) => t.table === name);

  it("had work to do", () => {
    expect(before.oldVisits).toBeGreaterThan(100);
    expect(before.oldClosed).toBeGreaterThan(0);
    expect(before.newerClosed).toBeGreaterThan(0);
  });

  it("deletes visits older than 13 months and nothing newer", async () => {
    expect(table(first, "visits")?.deleted).toBe(before.oldVisits);
    expect(
      await count(db, sql`select count(*) as n from visits t where visited_at < ${iso(VISIT_CUTOFF)}::timestamptz and not ${RESTRICTED}`),
    ).toBe(0);
    const fresh = await queryRows<{ id: string }>(
      db,
      sql`select id from visits where id in (${FRESH.yearOld}, ${FRESH.monthOld}, ${FRESH.v6Old}, ${FRESH.restricted}, ${FRESH.sixToFourOld}) order by id`,
    );
    expect(fresh.map((r) => r.id)).toEqual(Object.values(FRESH).sort());
  });

  it("truncates IP addresses older than 90 days and leaves newer ones exact", async () => {
    const ips = Object.fromEntries(
      (
        await queryRows<{ id: string; ip: string }>(
          db,
          sql`select id, ip_address as ip from visits where id in (${FRESH.yearOld}, ${FRESH.monthOld}, ${FRESH.v6Old}, ${FRESH.restricted}, ${FRESH.sixToFourOld})`,
        )
      ).map((r) => [r.id, r.ip]),
    );
    expect(ips[FRESH.yearOld]).toBe("198.51.100.0");
    expect(ips[FRESH.v6Old]).toBe("2001:db8:abcd::");
    expect(ips[FRESH.monthOld]).toBe("2001:db8:abcd:12::1");
    expect(ips[FRESH.sixToFourOld]).toBe("2002:c633:6400::"); // the embedded IPv4 address's /24, as the mask gives
    const old = await queryRows<{ ip: string }>(
      db,
      sql`select ip_address as ip from visits t where visited_at < ${iso(IP_CUTOFF)}::timestamptz and ip_address is not null and not ${RESTRICTED}`,
    );
    expect(old.length).toBeGreaterThan(0);
    for (const { ip } of old) expect(truncateIp(ip)).toBe(ip);
    expect(table(first, "visits")?.anonymised).toBe(3);
  });

  it("holds the data of subjects under restriction", async () => {
    const ip = await queryRows<{ ip: string }>(db, sql`select ip_address as ip from visits where id = ${FRESH.restricted}`);
    expect(ip[0]?.ip).toBe("203.0.113.9");
    expect(
      await count(db, sql`select count(*) as n from visits t where visited_at < ${iso(VISIT_CUTOFF)}::timestamptz and ${RESTRICTED}`),
    ).toBe(before.heldVisits);
    const browsing = first.actions.find((a) => a.table === "visits" && a.action === "delete_rows");
    expect(browsing?.held).toBe(before.heldVisits);
  });

  it("deletes messages closed more than 2 years ago and keeps newer and open ones", async () => {
    expect(table(first, "submitted_messages")?.deleted).toBe(before.oldClosed);
    expect(
      await count(
        db,
        sql`select count(*) as n from submitted_messages t where closed_at < ${iso(MESSAGE_CUTOFF)}::timestamptz and not ${RESTRICTED}`,
      ),
    ).toBe(0);
    expect(
      await count(
        db,
        sql`select count(*) as n from submitted_messages t where closed_at >= ${iso(MESSAGE_CUTOFF)}::timestamptz or closed_at is null`,
      ),
    ).toBe(before.newerClosed);
  });

  it("nulls precise locations older than 90 days and keeps a recent one", async () => {
    const [mine] = await queryRows<{ lat: number | null }>(
      db,
      sql`select location_latitude as lat from profiles where customer_id = ${active}`,
    );
    expect(mine?.lat).toBe(48.85);
    expect(
      await count(
        db,
        sql`select count(*) as n from profiles t where location_recorded_at < ${iso(IP_CUTOFF)}::timestamptz and not ${RESTRICTED}`,
      ),
    ).toBe(0);
    expect(table(first, "profiles")?.anonymised).toBeGreaterThan(0);
  });

  it("keeps the legal-hold data of erased tombstones", async () => {
    expect(before.legalHold).not.toBe("[]");
    expect(await legalHoldSnapshot()).toBe(before.legalHold);
    expect(table(first, "purchases")).toMatchObject({ deleted: 0, anonymised: 0 });
  });

  it("writes a purge_runs row per run, with counts and no values", async () => {
    const runs = await queryRows<{ id: string; ran_at: string; report: unknown }>(
      db,
      sql`select id, ran_at::text, report from purge_runs order by ran_at`,
    );
    expect(runs).toHaveLength(2);
    expect(runs[0]?.id).toBe(first.runId);
    const stored = (typeof runs[0]?.report === "string" ? JSON.parse(runs[0].report) : runs[0]?.report) as PurgeReport;
    expect(stored.tables).toEqual(first.tables);
    expect(JSON.stringify(stored)).not.toMatch(/198\.51\.100|2001:db8|203\.0\.113/);
  });

  it("a dry run reports the same counts and changes nothing", () => {
    expect(dry.dryRun).toBe(true);
    expect(dry.runId).toBeNull();
    expect(dry.tables).toEqual(first.tables);
  });

  it("is idempotent: a second run the same day changes nothing", () => {
    for (const t of second.tables)
      expect({ table: t.table, deleted: t.deleted, anonymised: t.anonymised }).toEqual({ table: t.table, deleted: 0, anonymised: 0 });
    expect(second.runId).not.toBeNull();
  });
});
