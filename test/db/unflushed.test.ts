/**
 * `unflushed`: the same database, whose commits do not wait for the write-ahead log's flush. On a
 * PostgreSQL server it is its own small pool with `synchronous_commit = off`, and the main pool
 * keeps the server's default (the disclosure log's commits wait for the disk). PGlite: the same database.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNFLUSHED_APPLICATION_NAME, type DatabaseHandle } from "../../src/db/client.js";
import { rateLimitWindows } from "../../src/db/schema/index.js";
import { queryRows } from "../helpers/queryRows.js";
import { createTestDatabase, onServer } from "../helpers/testDatabase.js";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const session = async (db: DatabaseHandle["db"]) =>
  (
    await queryRows<{ commit: string; name: string }>(
      db,
      sql`select current_setting('synchronous_commit') as commit, current_setting('application_name') as name`,
    )
  )[0]!;

describe.skipIf(!onServer)("unflushed on a PostgreSQL server", () => {
  it("commits without waiting for the flush, on connections of its own; the main pool waits", async () => {
    expect(await session(handle.unflushed)).toEqual({ commit: "off", name: UNFLUSHED_APPLICATION_NAME });
    expect((await session(handle.db)).commit).toBe("on");
    expect((await session(handle.db)).name).not.toBe(UNFLUSHED_APPLICATION_NAME);
  });

  it("writes what the main pool reads (the same database)", async () => {
    await handle.unflushed
      .insert(rateLimitWindows)
      .values({ key: "partner_key:unflushed001", windowStart: sql`date_trunc('minute', now())`, count: 7 });
    const rows = await handle.db
      .select({ count: rateLimitWindows.count })
      .from(rateLimitWindows)
      .where(sql`${rateLimitWindows.key} = 'partner_key:unflushed001'`);
    expect(rows).toEqual([{ count: 7 }]);
  });
});

describe.skipIf(onServer)("unflushed on PGlite", () => {
  it("is the database itself (in process: no commit waits on another process)", () => {
    expect(handle.unflushed).toBe(handle.db);
  });
});
