/**
 * Where a workload's time goes under load, guarded against unguarded: `npm run bench:where`.
 *
 * A diagnostic, not a benchmark of record (it writes no results file): one workload, both
 * gateways in this process over one throwaway PostgreSQL server, `BENCH_IN_FLIGHT` requests in
 * flight (default 8), in blocks of `BENCH_REQUESTS` requests per side (default 40), `BENCH_BLOCKS`
 * rounds (default 4), the sides in a shuffled order each round (seeded: the same on every run; with
 * three sides a fixed rotation leaves position effects, which were seen to be as large as the
 * differences measured). `BENCH_NO_RECORD=1` adds a third side, the guarded gateway whose
 * disclosure records are built but never written (bench-only, like the unguarded side): what the
 * record's insert and commit cost, apart from the rest of enforcement. Per side it prints the wall time per
 * request (the block's time divided by its requests), this process's CPU per request (the
 * gateways and the in-process client that sends the requests), PostgreSQL's CPU per request (its
 * client backends, from /proc), and the statements by execution time (pg_stat_statements: calls,
 * rows, mean and per-request milliseconds). One request at a time hides what only concurrency
 * does: this is how a group-committed insert that PostgreSQL re-parsed on every row was found
 * (bench/RESULTS-policy.md).
 *
 * `BENCH_WORKLOAD`: `policy` (bench:policy's page, 2,000 customers), or `profile`, `page`,
 * `lookup` (npm run bench's, 10,000 customers). Linux only (/proc).
 */
import "reflect-metadata";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createDatabase } from "../src/db/client.js";
import { Rng } from "../src/db/seed/random.js";
import { seed } from "../src/db/seed/seed.js";
import { getDataMap } from "../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../src/graphql/buildGatewaySchema.js";
import { loadConfig } from "../src/server/config.js";
import { createEnforcedGateway } from "../src/server/createEnforcedGateway.js";
import type { Gateway } from "../src/server/createGateway.js";
import { createLogger } from "../src/server/logger.js";
import { createCpuProfiler, type CpuProfiler } from "./cpuProfile.js";
import { envInt } from "./envInt.js";
import { runAutocannon } from "./runAutocannon.js";
import { buildWorkload, POLICY_PAGE } from "./policyWorkload.js";
import { startPostgres } from "./postgres.js";
import { seedLarge } from "./seedLarge.js";
import { signBenchToken } from "./signBenchToken.js";
import { createUnguardedGateway } from "./unguarded.js";
import { createUnrecordedGateway } from "./unrecorded.js";
import { gatewayWorkloads } from "./workloads/gatewayWorkloads.js";

const WORKLOADS = ["policy", "profile", "page", "lookup"] as const;
const workload = process.env.BENCH_WORKLOAD ?? "policy";
if (!(WORKLOADS as readonly string[]).includes(workload)) throw new Error(`BENCH_WORKLOAD must be one of ${WORKLOADS.join(", ")}`);
const inFlight = envInt("BENCH_IN_FLIGHT", 8);
const perBlock = envInt("BENCH_REQUESTS", 40);
/** `autocannon`: each block is an autocannon run of BENCH_SECONDS in a child process, so this process's CPU is the servers' alone. */
const autocannon = process.env.BENCH_CLIENT === "autocannon";
const blockSeconds = envInt("BENCH_SECONDS", 5);
const blocks = envInt("BENCH_BLOCKS", 4);
const SIDES = process.env.BENCH_NO_RECORD === "1" ? (["guarded", "unrecorded", "unguarded"] as const) : (["guarded", "unguarded"] as const);
type Side = (typeof SIDES)[number];
const LABELS: Record<Side, string> = { guarded: "guarded", unrecorded: "guarded, records not written", unguarded: "unguarded" };

const pg = await startPostgres({ settings: { shared_preload_libraries: "pg_stat_statements" } });
const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: pg.url, LOG_LEVEL: "silent", MAX_ALIASES: "50" });
const database = await createDatabase({ url: pg.url, poolSize: config.databasePoolSize });
const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
try {
  await database.migrate();
  const request = await prepareRequest();
  const logger = createLogger({ level: "silent" });
  const create: Record<Side, () => Promise<Gateway>> = {
    guarded: () => createEnforcedGateway({ config, database, logger }),
    unguarded: () => createUnguardedGateway({ config, database, logger }),
    unrecorded: () => createUnrecordedGateway({ config, database, logger }),
  };
  const sides = {} as Record<Side, Gateway>;
  const urls = {} as Record<Side, string>;
  for (const side of SIDES) urls[side] = await (sides[side] = await create[side]()).listen();
  const body = JSON.stringify(request.body);
  const send = async (url: string) => {
    const res = await fetch(url, { method: "POST", headers: request.headers, body });
    const text = await res.text();
    if (res.status !== 200 || text.includes('"errors":[')) throw new Error(`${res.status}: ${text.slice(0, 300)}`);
  };
  await admin`create extension if not exists pg_stat_statements`;
  /** CPU of PostgreSQL's client backends so far, ms (a backend that ended meanwhile is not counted). */
  const postgresCpu = async () => {
    const pids = (await admin`select pid from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`).map(
      (r) => r.pid as number,
    );
    let ticks = 0;
    for (const pid of pids) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        /* gone */
      }
    }
    return ticks * 10;
  };
  for (const side of SIDES) for (let i = 0; i < 2 * inFlight; i++) await send(urls[side]); // warm-up

  const bodyFile = join(mkdtempSync(join(tmpdir(), "bench-where.")), "body.json");
  writeFileSync(bodyFile, body);
  /** One block on a side; resolves to the requests it answered. */
  const runBlock = async (url: string): Promise<number> => {
    if (autocannon) {
      const result = await runAutocannon(
        { url, method: "POST", headers: request.headers, bodyFile },
        { connections: inFlight, seconds: blockSeconds },
      );
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
      return result.requests.total;
    }
    let left = perBlock;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (left-- > 0) await send(url);
      }),
    );
    return perBlock;
  };
  const totals = {} as Record<Side, { wall: number; cpu: number; pg: number; requests: number }>;
  const statements = {} as Record<Side, Map<string, { calls: number; rows: number; ms: number }>>;
  for (const side of SIDES) {
    totals[side] = { wall: 0, cpu: 0, pg: 0, requests: 0 };
    statements[side] = new Map();
  }
  const profilers = {} as Record<Side, CpuProfiler>;
  if (process.env.BENCH_PROFILE === "1") for (const side of SIDES) profilers[side] = await createCpuProfiler();
  const order = new Rng("bench:where order");
  for (let b = 0; b < blocks; b++) {
    for (const side of order.shuffle(SIDES)) {
      await admin`select pg_stat_statements_reset()`;
      const pg0 = await postgresCpu();
      const cpu0 = process.cpuUsage();
      await profilers[side]?.start();
      const t0 = performance.now();
      totals[side].requests += await runBlock(urls[side]);
      totals[side].wall += performance.now() - t0;
      await profilers[side]?.stop();
      const cpu = process.cpuUsage(cpu0);
      totals[side].cpu += (cpu.user + cpu.system) / 1000;
      totals[side].pg += (await postgresCpu()) - pg0;
      for (const r of await admin`select query, calls, rows, total_exec_time from pg_stat_statements where query not ilike '%pg_stat%'`) {
        const key = String(r.query).replace(/\s+/g, " ").slice(0, 110);
        const s = statements[side].get(key) ?? { calls: 0, rows: 0, ms: 0 };
        s.calls += Number(r.calls);
        s.rows += Number(r.rows);
        s.ms += Number(r.total_exec_time);
        statements[side].set(key, s);
      }
    }
  }
  console.log(
    `${workload}: ${blocks} rounds ${autocannon ? `of ${blockSeconds} s of autocannon` : `of ${perBlock} requests`} per side, ${inFlight} in flight; per request:`,
  );
  for (const side of SIDES) {
    const t = totals[side];
    const n = t.requests;
    console.log(
      `\n${LABELS[side]}: wall ${(t.wall / n).toFixed(2)} ms, this process's CPU ${(t.cpu / n).toFixed(2)} ms, PostgreSQL's CPU ${(t.pg / n).toFixed(2)} ms`,
    );
    console.log("  calls    rows  mean ms  ms/request  statement");
    for (const [query, s] of [...statements[side]].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
      console.log(
        `  ${String(s.calls).padStart(5)} ${String(s.rows).padStart(7)} ${(s.ms / s.calls).toFixed(3).padStart(8)} ${(s.ms / n).toFixed(3).padStart(11)}  ${query}`,
      );
    }
    if (profilers[side]) console.log(profilers[side].report(envInt("BENCH_PROFILE_TOP", 40)).join("\n"));
  }
  const u = totals.unguarded;
  const perRequest = (t: (typeof totals)[Side]) => ({ wall: t.wall / t.requests, cpu: (t.cpu + t.pg) / t.requests });
  console.log();
  for (const side of SIDES.filter((s) => s !== "unguarded")) {
    const g = perRequest(totals[side]);
    const b = perRequest(u);
    console.log(
      `${LABELS[side]} / unguarded: throughput ${(b.wall / g.wall).toFixed(2)}, CPU (this process + PostgreSQL) ${(g.cpu / b.cpu).toFixed(2)} x`,
    );
  }
  for (const s of Object.values(sides)) await s.close();
} finally {
  await admin.end();
  await database.close();
  await pg.stop();
}

/** The workload's request (the same for both sides) after seeding what it reads. */
async function prepareRequest(): Promise<{ headers: Record<string, string>; body: unknown }> {
  if (workload === "policy") {
    await seed(database.db, { customers: POLICY_PAGE.customers, seed: POLICY_PAGE.seed });
    await database.db.execute(sql`vacuum analyze`);
    const schema = await buildGatewaySchema();
    const { caller, purpose, visits, page } = POLICY_PAGE;
    const token = await signBenchToken(config, caller.role, caller.staffId);
    return {
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: { query: buildWorkload(schema, getDataMap(schema), caller, purpose, visits).query, variables: { first: page } },
    };
  }
  const data = await seedLarge(database, { customers: 10000, seed: 42, reportVisits: 10, lookups: 50 });
  const w = (await gatewayWorkloads(config, data, 100)).find((each) => each.key === workload)!;
  return w.gateway;
}
