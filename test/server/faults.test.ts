import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/client.js";
import { seed } from "../../src/db/seed/seed.js";
import { expectNoInternals } from "../helpers/expectNoInternals.js";
import { bearerFor, postGraphQL, startGatewayProcess, type GatewayProcess } from "../helpers/gatewayProcess.js";
import { createServerDatabase, POSTGRES_MISSING, startPostgresServer, type PostgresServer } from "../helpers/postgresServer.js";
import { delta, parsePrometheus } from "../helpers/prometheus.js";

/**
 * Faults against a real PostgreSQL server that the test stops and starts, served by the real
 * server process (`tsx src/server/main.ts`): the database down at start-up, down during requests
 * (503 SERVICE_UNAVAILABLE, the process stays up, /readyz follows, recovery by itself), and a
 * mutation cut off mid-transaction leaving nothing behind.
 */

const PORT = 55520;
const PASSWORD = "pw-never-logged-7f3a";

const PAGE = `query Page @purpose(name: CUSTOMER_SUPPORT) { customers(first: 10) { edges { node { id profile { fullName email } accounts { accountNumber } } } } }`;
const FILE = `mutation File { fileSubjectRequest(kind: ACCESS) { id state } }`;

describe.skipIf(POSTGRES_MISSING !== null)(
  `faults, on a PostgreSQL server the test stops and starts${POSTGRES_MISSING ? ` (skipped: ${POSTGRES_MISSING})` : ""}`,
  () => {
    let server: PostgresServer;
    let databaseUrl: string;
    let gateway: GatewayProcess;
    let url: string;
    let customerId: string;
    let partnerKey: string;
    let admin: postgres.Sql;

    const at = (path: string) => new URL(path, url).toString();
    const status = async (path: string) => (await fetch(at(path))).status;
    const requestsOf = async (id: string) =>
      Number((await admin`select count(*)::int as n from subject_requests where customer_id = ${id}`)[0]!.n);
    const waitUntil = async (check: () => Promise<boolean>, what: string, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await check().catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    beforeAll(async () => {
      server = await startPostgresServer(PORT, { max_prepared_transactions: "2" });
      databaseUrl = await createServerDatabase(server, "faults");
      const database = await createDatabase({ url: databaseUrl, poolSize: 2 });
      await database.migrate();
      const summary = await seed(database.db, { customers: 20, seed: 11 });
      await database.close();
      partnerKey = summary.apiKeys[0]!.apiKey;
      admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      customerId = String((await admin`select id from customers where status = 'active' order by id limit 1`)[0]!.id);
    });

    afterAll(async () => {
      await gateway?.kill();
      await admin?.end({ timeout: 1 }).catch(() => {});
      await server?.stop();
    });

    it("database down at start: says what is wrong once per attempt, without the password, and keeps retrying until it can serve", async () => {
      await server.pause();
      const withPassword = new URL(databaseUrl);
      withPassword.password = PASSWORD;
      gateway = startGatewayProcess({ DATABASE_URL: withPassword.toString() });
      const retries = (line: { msg: string }) => /^database not ready/.test(line.msg);
      await gateway.waitForLog((l) => retries(l) && l.attempt === 3);
      const attempts = gateway.logs().filter(retries);
      expect(attempts.map((l) => l.attempt)).toEqual(attempts.map((_, i) => i + 1));
      for (const line of attempts) {
        expect(line.msg).toContain(`PostgreSQL at 127.0.0.1:${PORT}/faults`);
        expect(line.msg).toContain("connection refused");
        expect(line).toMatchObject({ level: 50, code: "ECONNREFUSED" });
      }
      expect(gateway.logs().some((l) => "url" in l)).toBe(false); // not serving yet

      await server.resume();
      url = await gateway.listening();
      expect(await status("/readyz")).toBe(200);
      expect(gateway.logs().some((l) => /connected and migrated/.test(l.msg))).toBe(true);
      expect(gateway.output.join("\n")).not.toContain(PASSWORD);
    });

    it("database down during requests: 503 SERVICE_UNAVAILABLE without internals, the process stays up, /readyz follows, and it recovers by itself", async () => {
      const support = await bearerFor("support_agent");
      const me = await bearerFor("customer", customerId);
      const before = await postGraphQL(url, { query: PAGE }, support);
      expect(before.status).toBe(200);
      expect(before.body.data.customers.edges.length).toBeGreaterThan(0);
      const requestsBefore = await requestsOf(customerId);
      const metricsBefore = parsePrometheus(await (await fetch(at("/metrics"))).text());

      await server.pause();
      try {
        for (const [name, body, headers] of [
          ["page", { query: PAGE }, support],
          ["mutation", { query: FILE }, me],
          ["partner key lookup", { query: `{ myGrant { purposes } }` }, { "x-api-key": partnerKey }],
        ] as const) {
          const res = await postGraphQL(url, body, headers);
          expect(res.status, name).toBe(503);
          expect(res.body.errors, name).toEqual([
            { message: expect.stringMatching(/database is unavailable/), extensions: { code: "SERVICE_UNAVAILABLE" } },
          ]);
          expect(res.body.data ?? null, name).toBeNull();
          expectNoInternals(res.text);
          expect(res.text).not.toMatch(/ECONNREFUSED|CONNECTION_|127\.0\.0\.1|5552/);
        }
        expect(await status("/readyz")).toBe(503);
        expect(await status("/healthz")).toBe(200);
        expect(gateway.child.exitCode).toBeNull();
      } finally {
        await server.resume();
      }

      await waitUntil(async () => (await status("/readyz")) === 200, "/readyz to turn 200 again");
      const again = await Promise.all(Array.from({ length: 8 }, () => postGraphQL(url, { query: PAGE }, support)));
      for (const res of again) expect(res.status).toBe(200);
      expect(again[0]!.body.data).toEqual(before.body.data);
      expect(await requestsOf(customerId)).toBe(requestsBefore);

      const metricsAfter = parsePrometheus(await (await fetch(at("/metrics"))).text());
      expect(delta(metricsBefore, metricsAfter, "gateway_errors_total", { code: "SERVICE_UNAVAILABLE" })).toBe(3);
      expect(delta(metricsBefore, metricsAfter, "gateway_requests_total", { route: "/graphql", status: "503", outcome: "failed" })).toBe(3);
      const unavailable = gateway.logs().filter((l) => /^database unavailable/.test(l.msg));
      expect(unavailable.length).toBe(3);
      for (const line of unavailable) expect(typeof line.requestId).toBe("string");
      expect(gateway.output.join("\n")).not.toContain(PASSWORD);
    });

    it("a mutation cut off mid-transaction by the outage leaves nothing half-written", async () => {
      const me = await bearerFor("customer", customerId);
      const requestsBefore = await requestsOf(customerId);
      // Hold the events table so the mutation's transaction stops between its two inserts. The lock
      // belongs to a prepared transaction, which outlives the outage: stopping the server cannot
      // release it before it cuts the mutation's connection (a session's lock could go first and
      // let the insert through).
      const holder = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      await holder.unsafe("begin");
      await holder.unsafe("lock table subject_request_events in access exclusive mode");
      await holder.unsafe("prepare transaction 'faults_hold'");
      await holder.end();
      const release = () => admin.unsafe("rollback prepared 'faults_hold'");
      const watcher = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      try {
        const pending = postGraphQL(url, { query: FILE }, me);
        await waitUntil(async () => {
          const rows = await watcher`select query from pg_stat_activity where datname = 'faults' and wait_event_type = 'Lock'`;
          return rows.some((r) => /insert into "subject_request_events"/i.test(String(r.query)));
        }, "the mutation to wait on the events table (its request row already inserted)");
        await server.pause();
        const res = await pending;
        expect(res.status).toBe(503);
        expect(res.body.errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
      } finally {
        await watcher.end({ timeout: 1 }).catch(() => {});
        await server.resume();
        // The admin client's connection may have died with the outage: retried until it answers.
        await waitUntil(async () => (await release(), true), "the held lock to be released");
      }
      await waitUntil(async () => (await status("/readyz")) === 200, "/readyz to turn 200 again");
      expect(await requestsOf(customerId)).toBe(requestsBefore);
      const filed = await postGraphQL(url, { query: FILE }, me);
      expect(filed.status).toBe(200);
      expect(await requestsOf(customerId)).toBe(requestsBefore + 1);
    });
  },
);
