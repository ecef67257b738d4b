/**
 * Erased is gone from the database's files, not only from SQL's view (DESIGN.md section 5).
 *
 * On PGlite: an erasure completed over HTTP against the real server process (src/server/main.ts
 * on a PGlite directory), the process stopped, then every file under the directory read as bytes:
 * none of the subject's canary values may be left (tables, indexes, TOAST, WAL). Each value is
 * first found there before the erasure, so the check cannot pass by looking in the wrong place.
 * On a PostgreSQL server (TEST_DATABASE_URL) the files are the server's: the erasure's tables
 * must have been vacuumed and analysed by the gateway.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Writable } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../src/db/client.js";
import { findCanaries } from "../../src/db/seed/canary.js";
import { seed } from "../../src/db/seed/seed.js";
import { reclaimAfterCompletion } from "../../src/dsr/executeRequest.js";
import { eventsOf, insertRequest, moveRequest, requestById } from "../../src/dsr/requestStore.js";
import { createLogger } from "../../src/server/logger.js";
import { occurrences, placesLeft } from "../helpers/dataDirectory.js";
import { bearerFor, postGraphQL, startGatewayProcess, type GatewayProcess } from "../helpers/gatewayProcess.js";
import { queryRows } from "../helpers/queryRows.js";
import { createTestDatabase, onServer } from "../helpers/testDatabase.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { CHECK_IDENTITY, COMPLETE, FILE_FOR, legalHold, officer, ONE, plainSubjects, VERIFY } from "./support.js";

/**
 * Canary tokens in a file's bytes. Exactly eight characters (every token of a seed this small):
 * in a row the next byte is the following column's length header, which may be a letter or digit,
 * so findCanaries' open-ended pattern would read past the token's end.
 */
const tokensIn = (text: string) => Array.from(text.matchAll(/cnry[0-9a-z]{4}/g), (m) => m[0]);

/** A canary token only this test writes: the body of a message long enough to be stored out of line (TOAST). */
const TOAST_TOKEN = "cnryt0a5";

/** The subject's canary tokens in every table with a customer_id, except columns held by law through erasure. */
async function canariesOf(db: Database, subject: string): Promise<Set<string>> {
  const held = await legalHold();
  const tables = await queryRows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'customer_id' order by table_name`,
  );
  const tokens = new Set<string>();
  for (const { table_name: table } of tables) {
    const excluded = held[table] ?? [];
    const rows = await queryRows<{ r: unknown }>(
      db,
      sql`select to_jsonb(t) - ${`{${excluded.join(",")}}`}::text[] as r
      from ${sql.identifier(table)} t where customer_id = ${subject}`,
    );
    for (const { r } of rows) for (const token of findCanaries(typeof r === "string" ? r : JSON.stringify(r))) tokens.add(token);
  }
  return tokens;
}

/** Erases `subject` over HTTP as the privacy office (filed, identity checked with its email, verified, completed); returns the request id. */
async function eraseOverHttp(
  post: (query: string, variables: Record<string, unknown>) => Promise<any>,
  subject: string,
  email: string,
): Promise<string> {
  const filed = await post(FILE_FOR, { s: subject, k: "ERASURE", d: null });
  expect(filed.errors).toBeUndefined();
  const id = filed.data.fileSubjectRequestFor.id as string;
  expect((await post(CHECK_IDENTITY, { id, c: { email } })).data.checkSubjectRequestIdentity.passed).toBe(true);
  expect((await post(VERIFY, { id })).errors).toBeUndefined();
  const done = await post(COMPLETE, { id });
  expect(done.errors).toBeUndefined();
  expect(done.data.completeSubjectRequest.state).toBe("COMPLETED");
  return id;
}

describe.skipIf(onServer)("erasure on PGlite: the subject's values leave the data directory's files", () => {
  let dir: string;
  let gateway: GatewayProcess | undefined;
  let subject: string;
  let email: string;
  let tokens: Set<string>;
  let toastFile: string;
  let before: Map<string, string[]>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gw-erasure-files-"));
    const handle = await createDatabase({ dataDir: dir });
    await handle.migrate();
    await seed(handle.db, { customers: 40, seed: 9, canaries: true });
    // a subject with an email, a street and messages; plus one message long enough for TOAST
    // (random text: compression cannot fold it back into the row)
    const [chosen] = await queryRows<{ id: string; email: string }>(
      handle.db,
      sql`select p.customer_id as id, p.email from profiles p
      where p.customer_id = any(${`{${(await plainSubjects(handle.db)).join(",")}}`}::uuid[])
        and p.email is not null and p.address_line1 is not null
        and exists (select 1 from submitted_messages m where m.customer_id = p.customer_id)
      order by p.customer_id limit 1`,
    );
    subject = chosen!.id;
    email = chosen!.email;
    const body = `${randomBytes(3000).toString("base64")} ${TOAST_TOKEN} ${randomBytes(3000).toString("base64")}`;
    await handle.db.execute(sql`insert into submitted_messages (customer_id, subject, body, status, submitted_at)
      values (${subject}, 'Long message', ${body}, 'open', now())`);
    const [toast] = await queryRows<{ path: string }>(
      handle.db,
      sql`select pg_relation_filepath(reltoastrelid) as path
      from pg_class where relname = 'submitted_messages'`,
    );
    toastFile = toast!.path;
    tokens = await canariesOf(handle.db, subject);
    await handle.close();
    expect([...tokens].every((t) => t.length === 8)).toBe(true);
    before = occurrences(dir, tokens, tokensIn);

    gateway = startGatewayProcess({ DATA_DIR: dir, SEED_DEMO_DATA: "false" });
    const url = await gateway.listening();
    const headers = { ...(await bearerFor("privacy_officer", "po-files")), "x-purpose": "subject_request" };
    const post = async (query: string, variables: Record<string, unknown>) => (await postGraphQL(url, { query, variables }, headers)).body;
    const id = await eraseOverHttp(post, subject, email);
    const events = (await post(ONE, { id })).data.subjectRequest.events as { fromState: string; toState: string; note: string }[];
    expect(events.at(-1)).toMatchObject({ fromState: "COMPLETED", toState: "COMPLETED", note: "STORAGE_RECLAIMED:vacuum_full" });
    gateway.child.kill("SIGTERM");
    expect(await gateway.exited).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await gateway?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the subject's values were in the files before the erasure (the long message's in its TOAST table)", () => {
    expect([...tokens]).toContain(TOAST_TOKEN);
    expect(tokens.size).toBeGreaterThan(15);
    expect([...tokens].filter((t) => !before.get(t)?.some((path) => path.startsWith("base/")))).toEqual([]);
    expect(before.get(TOAST_TOKEN)).toContain(toastFile);
  });

  /** Where each token is left after the erasure, by top-level folder of the directory. */
  const leftIn = (folder: (path: string) => boolean) => placesLeft(dir, tokens, tokensIn, folder);

  it("none is left in a table, index or TOAST file (base/)", () => {
    expect(leftIn((path) => path.startsWith("base/"))).toEqual([]);
  });

  it("nor in the write-ahead log (pg_wal/) or anywhere else in the directory", () => {
    expect(leftIn((path) => !path.startsWith("base/"))).toEqual([]);
  });
});

describe.runIf(onServer)("erasure on a PostgreSQL server: the erasure's tables are vacuumed after the commit", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ customers: 20, seed: 9 });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("runs VACUUM (ANALYZE) on every table it touched, and records it on the request", async () => {
    const db = gw.database.db;
    const [subject] = await plainSubjects(db);
    const vacuumed = async () =>
      new Map(
        (
          await queryRows<{ relname: string; vacuumed: boolean; analysed: boolean }>(
            db,
            sql`
      select relname, last_vacuum is not null as vacuumed, last_analyze is not null as analysed from pg_stat_user_tables`,
          )
        ).map((r) => [r.relname, r.vacuumed && r.analysed]),
      );
    const touched = ["profiles", "visits", "subject_requests"];
    const beforeErasure = await vacuumed();
    expect(touched.filter((t) => beforeErasure.get(t))).toEqual([]);
    const headers = await officer(gw);
    const [profile] = await queryRows<{ email: string }>(db, sql`select email from profiles where customer_id = ${subject!}`);
    const id = await eraseOverHttp(
      async (query, variables) => (await gw.post({ query, variables }, headers)).body,
      subject!,
      profile!.email,
    );
    const afterErasure = await vacuumed();
    expect(touched.filter((t) => !afterErasure.get(t))).toEqual([]);
    expect(afterErasure.get("customers")).toBe(false);
    const events = (await gw.post({ query: ONE, variables: { id } }, headers)).body.data.subjectRequest.events;
    expect(events.at(-1)).toMatchObject({ fromState: "COMPLETED", toState: "COMPLETED", note: "STORAGE_RECLAIMED:vacuum" });
  });
});

describe("a reclaim that fails", () => {
  it("leaves the request completed, records STORAGE_RECLAIM_FAILED with the driver code, and logs ids and codes only", async () => {
    const handle = await createTestDatabase();
    try {
      await seed(handle.db, { customers: 5, seed: 3, canaries: true });
      const [subject] = await plainSubjects(handle.db);
      const actor = { kind: "staff", id: "po-files" };
      const filing = await insertRequest(handle.db, { customerId: subject!, kind: "erasure", detail: {}, actor });
      if (!("filed" in filing)) throw new Error("the subject already has an open erasure request");
      const verified = await moveRequest(handle.db, filing.filed, { to: "verified", actor, note: "IDENTITY_VERIFIED" });
      const completed = await moveRequest(handle.db, verified, { to: "completed", actor, note: "ERASED_ROWS:0" });
      const lines: string[] = [];
      const logger = createLogger({
        level: "info",
        destination: new Writable({
          write(chunk, _enc, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      });
      // a table that does not exist: VACUUM fails before touching any
      const execution = { note: "ERASED_ROWS:0", detail: {}, reclaim: ["profiles", "no_such_table"] };
      await reclaimAfterCompletion(handle.db, completed, execution, { actor, logger, requestId: "req-files-1" });
      const events = await eventsOf(handle.db, [completed.id]);
      expect(events.map((e) => [e.fromState, e.toState, e.note])).toEqual([
        [null, "received", "FILED"],
        ["received", "verified", "IDENTITY_VERIFIED"],
        ["verified", "completed", "ERASED_ROWS:0"],
        ["completed", "completed", "STORAGE_RECLAIM_FAILED:42P01"],
      ]);
      expect((await requestById(handle.db, completed.id))?.state).toBe("completed");
      const [logged] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged).toMatchObject({
        level: 50,
        requestId: "req-files-1",
        subjectRequestId: completed.id,
        tables: ["no_such_table", "profiles"],
        code: "42P01",
      });
      expect(lines.join("")).not.toMatch(/does not exist|cnry/);
    } finally {
      await handle.close();
    }
  });
});
