/**
 * On a PostgreSQL server, statements are prepared once per connection unless
 * `preparedStatements: false` (DATABASE_PREPARED_STATEMENTS=false) says otherwise. PGlite runs in
 * process and has no such option: the suite skips this file there.
 */
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "../../src/db/client.js";
import { queryRows } from "../helpers/queryRows.js";
import { onServer } from "../helpers/testDatabase.js";

let handle: DatabaseHandle | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

/** Runs one statement with a parameter three times on a single connection; how many are prepared there. */
async function preparedAfterUse(preparedStatements?: boolean): Promise<number> {
  handle = await createDatabase({ url: process.env.TEST_DATABASE_URL!, poolSize: 1, preparedStatements });
  for (let i = 0; i < 3; i++) {
    const rows = await queryRows<{ n: number }>(handle.db, sql`select ${i}::int + 1 as n`);
    expect(rows[0]!.n).toBe(i + 1);
  }
  const [row] = await queryRows<{ count: number }>(
    handle.db,
    sql`select count(*)::int as count from pg_prepared_statements where statement like ${"select $1::int + 1 as n%"}`,
  );
  return row!.count;
}

describe.skipIf(!onServer)("prepared statements on a PostgreSQL server", () => {
  it("prepares a statement once per connection by default", async () => {
    expect(await preparedAfterUse()).toBe(1);
  });

  it("prepares nothing when turned off", async () => {
    expect(await preparedAfterUse(false)).toBe(0);
  });
});
