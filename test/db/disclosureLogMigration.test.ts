/**
 * Migrations 0003 and 0004 move the disclosure log's coordinate lists into field sets: every
 * record written before them reads back through the `disclosure_log` view exactly as it was
 * (ids, times, lists; 0009 adds the version of the policy that decided it), equal lists are stored once, and each record sits in its month's partition.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, describe, expect, it } from "vitest";

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "migrations."));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The migrations folder as it stood up to `tag` (its journal cut after that entry). */
function migrationsUpTo(tag: string): string {
  const folder = join(scratch, tag);
  cpSync(MIGRATIONS, folder, { recursive: true });
  const journalFile = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === tag);
  expect(last).toBeGreaterThanOrEqual(0);
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, last + 1) }));
  return folder;
}

const LISTS = [
  [["Profile.email", "Profile.fullName"], ["Account.accountNumber"], [], []],
  [["Profile.email"], [], ["Visit.ipAddress"], ["Profile.phone"]],
  [[], [], [], ['a "quoted", {braced} \\ coordinate', "NULL"]],
] as const;

describe("the disclosure log's field sets (migrations 0003, 0004)", () => {
  it("carries every earlier record over unchanged, equal lists stored once", async () => {
    const client = await PGlite.create();
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: migrationsUpTo("0002_persisted_operations") });
    const before: Record<string, unknown>[] = [];
    for (let i = 0; i < 9; i++) {
      const [disclosed, masked, pseudonymized, withheld] = LISTS[i % LISTS.length]!;
      const { rows } = await client.query<Record<string, unknown>>(
        `insert into disclosure_log (request_id, customer_id, caller_kind, caller_id, role, purpose, subject_request_id,
           disclosed, masked, pseudonymized, withheld, recorded_at)
         values ($1, gen_random_uuid(), 'staff', 's-1', 'support_agent', 'customer_support', $2, $3, $4, $5, $6, $7) returning *`,
        [
          `r-${i}`,
          i % 2 === 0 ? null : `00000000-0000-4000-8000-00000000000${i}`,
          disclosed,
          masked,
          pseudonymized,
          withheld,
          new Date(Date.UTC(2026, 0, 1 + i)),
        ],
      );
      before.push(rows[0]!);
    }
    await migrate(db, { migrationsFolder: MIGRATIONS });
    const after = (await client.query<Record<string, unknown>>("select * from disclosure_log order by request_id")).rows;
    // Migration 0009 names the policy that decided each record: the code's, 2026-11-01, before it.
    expect(after).toEqual(before.map((record) => ({ ...record, policy_version: "2026-11-01" })));
    const sets = await client.query<{ n: number }>("select count(*)::int as n from disclosure_field_sets");
    expect(sets.rows[0]!.n).toBe(LISTS.length);
    // Their month got its partition before they moved in (January 2026, UTC).
    const placed = await client.query<{ partition: string }>(
      "select distinct tableoid::regclass::text as partition from disclosure_events",
    );
    expect(placed.rows).toEqual([{ partition: "disclosure_events_2026_01" }]);
    await client.close();
  });
});
