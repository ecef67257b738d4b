import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";
import { createDatabase } from "../../src/db/client.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated PGlite data directory (uncompressed tarball) for this run. */
    migratedTemplate: string;
  }
}

/**
 * Vitest global setup: boots and migrates one PGlite database per test run and dumps it to a
 * per-run temporary directory, removed after the run. Each test file's createTestDatabase opens
 * a copy of it instead of running initdb and the migrations again (about 3 s each on a shared
 * 2-core machine, against 0.7 s for a copy). Made on a server run too (TEST_DATABASE_URL),
 * where files that compare the embedded database with the server open copies of it.
 */
export default async function provideMigratedTemplate(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "gw-test-template-"));
  const file = join(dir, "migrated.tar");
  const handle = await createDatabase({});
  try {
    await handle.migrate();
    // Drizzle keeps the driver's client on the database it wraps.
    const client = (handle.db as unknown as { $client: PGlite }).$client;
    const dump = await client.dumpDataDir("none");
    writeFileSync(file, new Uint8Array(await dump.arrayBuffer()));
  } finally {
    await handle.close();
  }
  project.provide("migratedTemplate", file);
  return () => rmSync(dir, { recursive: true, force: true });
}
