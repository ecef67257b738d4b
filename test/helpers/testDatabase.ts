import { randomBytes } from "node:crypto";
import { openAsBlob } from "node:fs";
import postgres from "postgres";
import { inject } from "vitest";
import { createDatabase, type DatabaseHandle } from "../../src/db/client.js";

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, a copy of the run's
 * migrated template (provideMigratedTemplate.ts); or a new database on the PostgreSQL server
 * named by TEST_DATABASE_URL (CI runs the suite both ways). Closing it drops the server database.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return createEmbeddedTestDatabase();
  const name = `gw_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ url: url.toString(), poolSize: 5 });
  await handle.migrate();
  return {
    ...handle,
    get statements() {
      return handle.statements;
    },
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * A fresh, migrated in-memory PGlite, whichever database the suite runs on: a copy of the run's
 * migrated template, which has every migration of this checkout (it was made from them for this run).
 */
export async function createEmbeddedTestDatabase(): Promise<DatabaseHandle> {
  return createDatabase({ loadDataDir: await openAsBlob(inject("migratedTemplate")) });
}

/** Which database the suite runs on, for test names and skips. */
export const onServer = Boolean(process.env.TEST_DATABASE_URL);
