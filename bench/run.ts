/**
 * `npm run bench`: the gateway against its unguarded self, PostGraphile and hand-written SQL.
 *
 * One process, one throwaway PostgreSQL server (bench/postgres.ts, port BENCH_PG_PORT, default
 * 55560), one seeded database (bench/seedLarge.ts: 10,000 customers, seed 42, one access-report
 * subject with 5,000 visits), six HTTP servers on loopback:
 *   guarded      createEnforcedGateway, the production assembly;
 *   unrecorded   the same assembly with disclosure records built but not written (bench/unrecorded.ts):
 *                against unguarded it prices enforcement apart from the record, against guarded the record;
 *   unguarded    the same resolvers and HTTP handling without enforcement (bench/unguarded.ts);
 *   apolloFloor  Apollo Server 5 over the same schema, the answer from memory (bench/apolloFloor.ts):
 *                what the framework and graphql-js's executor cost alone (profile and page);
 *   postgraphile PostGraphile 4 over the same tables (bench/postgraphile.ts), no privacy layer;
 *   rawSql       one hand-written statement per request through postgres.js (bench/rawSql.ts).
 * Workloads (bench/workloads/): a customer's profile, a support page of 100 customers, a partner
 * lookup of 50 customers by id, a subject access report; each on the sides that can express it.
 *
 * Per workload: one request per side checked (status, errors, rows), SQL statements per request
 * counted by pg_stat_statements, the disclosure records the guarded side writes per request
 * counted in the log, a warm-up per side, then BENCH_ROUNDS rounds in which every side runs once,
 * the order rotating by round so that machine drift cancels; over each run, this process's CPU and
 * PostgreSQL's (all its processes, /proc) per request. autocannon runs in a child process. The table goes to stdout and to bench/RESULTS.md (notes below the marker line of an
 * existing file are kept).
 *
 * Knobs (environment): BENCH_ROUNDS (3), BENCH_DURATION seconds per run (10), BENCH_WARMUP seconds
 * per side (4), BENCH_MAX_DURATION (30), BENCH_ALONE requests per side timed one at a time after the
 * warm-up (20), BENCH_CUSTOMERS (10000), BENCH_PAGE (100), BENCH_LOOKUPS
 * (50), BENCH_REPORT_VISITS (5000), BENCH_PG_PORT (55560), BENCH_WORKLOADS
 * (profile,page,lookup,report), BENCH_NO_WRITE=1, BENCH_LOG_LEVEL (silent), BENCH_PG_SETTINGS (extra server
 * settings as a JSON object, for experiments: '{"autovacuum":"off"}'). autocannon connections are per workload
 * (bench/workloads/: 8 for the profile, 4 for the page and the lookup, 1 for the report).
 *
 * Run length: autocannon counts only the responses that arrive within a run and drops those in
 * flight when it ends, which biases against the slower side when requests are slow. A run lasts
 * at least BENCH_DURATION and at least long enough for the workload's `perConnection` responses
 * per connection on its slowest side at the warm-up rate, capped at BENCH_MAX_DURATION; all sides
 * of a workload get the same length. The warm-up itself lasts at least two one-at-a-time requests
 * per connection. Before each run the previous one's abandoned requests finish.
 */
import "reflect-metadata";
import { sql } from "drizzle-orm";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, type DatabaseHandle } from "../src/db/client.js";
import { countOf } from "../src/db/countOf.js";
import { type Execution, loadConfig } from "../src/server/config.js";
import { createEnforcedGateway } from "../src/server/createEnforcedGateway.js";
import type { Gateway } from "../src/server/createGateway.js";
import { createLogger } from "../src/server/logger.js";
import { envInt } from "./envInt.js";
import { machineHeader } from "./machineHeader.js";
import { startPostGraphile, type PostGraphileServer } from "./postgraphile.js";
import { startPostgres, type PostgresServer } from "./postgres.js";
import { startRawSqlServer, type RawSqlServer } from "./rawSql.js";
import { runAutocannon, type AutocannonResult } from "./runAutocannon.js";
import { seedLarge, type BenchData } from "./seedLarge.js";
import { signBenchToken } from "./signBenchToken.js";
import { createStatementCounter, type StatementCounter } from "./statementCounter.js";
import { statementsAlone } from "./statementsAlone.js";
import { fmt, fmtBytes, mean } from "./stats.js";
import { timeAlone } from "./timeAlone.js";
import { trackInFlight, type InFlight } from "./trackInFlight.js";
import { createUnguardedGateway } from "./unguarded.js";
import { createUnrecordedGateway } from "./unrecorded.js";
import { startApolloFloor, type ApolloFloorServer } from "./apolloFloor.js";
import { gatewayWorkloads } from "./workloads/gatewayWorkloads.js";
import { readWholeReport, REPORT_PAGE, reportWorkload } from "./workloads/report.js";
import type { SideName, SideRequest, Workload } from "./workloads/Workload.js";
import { writeResults } from "./writeResults.js";

const ROUNDS = envInt("BENCH_ROUNDS", 3);
const DURATION = envInt("BENCH_DURATION", 10);
const WARMUP = envInt("BENCH_WARMUP", 4);
const MAX_DURATION = envInt("BENCH_MAX_DURATION", 30);
const ALONE_WARM = envInt("BENCH_ALONE", 20);
const CUSTOMERS = envInt("BENCH_CUSTOMERS", 10_000);
const PAGE = envInt("BENCH_PAGE", 100);
const LOOKUPS = envInt("BENCH_LOOKUPS", 50);
const REPORT_VISITS = envInt("BENCH_REPORT_VISITS", 5_000);
const PG_PORT = envInt("BENCH_PG_PORT", 55560);
const PG_SETTINGS = JSON.parse(process.env.BENCH_PG_SETTINGS ?? "{}") as Record<string, string>;
const WORKLOADS = (process.env.BENCH_WORKLOADS ?? "profile,page,lookup,report")
  .split(",")
  .map((w) => w.trim())
  .filter(Boolean);
const SEED = 42;
/** Issue #26: enforcement apart from the record against unguarded; the gateway (records written) against PostGraphile. */
const TARGETS = { enforcementThroughput: 0.95, enforcementP99: 1.1, postgraphileThroughput: 1.0 };
/** The workloads the Apollo floor serves: their root fields carry no alias, so one root value answers them all. */
const FLOOR_WORKLOADS: readonly Workload["key"][] = ["profile", "page"];
const RESULTS_FILE = fileURLToPath(new URL("./RESULTS.md", import.meta.url));

const SIDE_LABEL: Record<SideName, string> = {
  guarded: "guarded gateway",
  unrecorded: "guarded, records not written",
  unguarded: "unguarded gateway",
  apolloFloor: "Apollo Server floor",
  postgraphile: "PostGraphile",
  rawSql: "raw SQL",
};

const log = (line: string) => console.error(line);

interface Server {
  url: string;
  inFlight: InFlight;
}

interface Measured {
  side: SideName;
  request: SideRequest;
  bodyFile: string;
  url: string;
  bytes: number;
  items: number;
  /** WITHHELD cells (guarded only). */
  withheld: number;
  masked: string[];
  statements: number;
  /** Median wall time of one request before the warm-up, ms: it sizes the warm-up and the runs. */
  coldMs: number;
  /** Median wall time of one request alone once warm (no other load), ms (see timeAlone, after the warm-up). */
  aloneMs: number;
  /** This process's median CPU time per request alone once warm, ms (see timeAlone, after the warm-up). */
  cpuMs: number;
  /** Statements per request by normalised text. */
  byStatement: { query: string; perRequest: number }[];
  /** Disclosure records (one per request and subject) written per request, one at a time (guarded only; else 0). */
  recordsPerRequest: number;
  runs: AutocannonResult[];
  /** Per run: this process's and PostgreSQL's CPU per completed request under the load, ms. */
  cpuUnderLoad: { gateway: number; postgres: number }[];
}

interface Answer {
  status: number;
  bytes: number;
  body: {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string } }[];
    extensions?: { privacy?: { masked?: string[] } };
  };
}

async function post(url: string, request: SideRequest): Promise<Answer> {
  const res = await fetch(url, { method: "POST", headers: request.headers, body: JSON.stringify(request.body) });
  const text = await res.text();
  let body: Answer["body"];
  try {
    body = JSON.parse(text) as Answer["body"];
  } catch {
    throw new Error(`${url}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, bytes: Buffer.byteLength(text), body };
}

/** One request: usable (HTTP 200, no error but WITHHELD cells on the guarded side, rows present), else throws. */
async function probe(workload: Workload, side: SideName, url: string, request: SideRequest) {
  const answer = await post(url, request);
  const errors = answer.body.errors ?? [];
  const withheld = errors.filter((e) => e.extensions?.code === "WITHHELD").length;
  const enforced = side === "guarded" || side === "unrecorded";
  const other = enforced ? errors.filter((e) => e.extensions?.code !== "WITHHELD") : errors;
  if (answer.status !== 200 || other.length > 0) {
    throw new Error(`${workload.key} on ${side}: HTTP ${answer.status}, errors: ${JSON.stringify(other.slice(0, 3))}`);
  }
  let items: number;
  try {
    items = request.items(answer.body.data);
  } catch (error) {
    throw new Error(`${workload.key} on ${side}: ${(error as Error).message}`);
  }
  if (items === 0) throw new Error(`${workload.key} on ${side}: the answer holds no rows`);
  if (!enforced && answer.body.extensions?.privacy) throw new Error(`${side} applied enforcement (extensions.privacy present)`);
  return { bytes: answer.bytes, items, withheld, masked: answer.body.extensions?.privacy?.masked ?? [], data: answer.body.data };
}

function check(name: string, result: AutocannonResult): AutocannonResult {
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    log(`warning: ${name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result;
}

async function main() {
  let pg: PostgresServer | undefined;
  let database: DatabaseHandle | undefined;
  let counter: StatementCounter | undefined;
  const closers: (() => Promise<void>)[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "bench-run."));
  const started = Date.now();
  try {
    pg = await startPostgres({ port: PG_PORT, log, settings: { shared_preload_libraries: "pg_stat_statements", ...PG_SETTINGS } });
    // One operation looks up LOOKUPS customers by alias: the alias limit must let it through.
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: pg.url,
      LOG_LEVEL: "silent",
      MAX_ALIASES: String(Math.max(LOOKUPS, 30)),
    });
    database = await createDatabase({ url: pg.url, poolSize: config.databasePoolSize });
    await database.migrate();
    const data: BenchData = await seedLarge(database, { customers: CUSTOMERS, seed: SEED, reportVisits: REPORT_VISITS, lookups: LOOKUPS });
    log(
      `seeded ${data.customers} customers (seed ${data.seedValue}) and a subject with ${data.reportVisits} visits in ${fmt(data.seconds)} s`,
    );
    counter = await createStatementCounter(pg.url);

    // BENCH_LOG_LEVEL (silent): the gateways' log, to see why a request failed.
    const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? "silent" });
    const gateways: Record<"guarded" | "unrecorded" | "unguarded", Gateway> = {
      guarded: await createEnforcedGateway({ config, database, logger }),
      unrecorded: await createUnrecordedGateway({ config, database, logger }),
      unguarded: await createUnguardedGateway({ config, database, logger }),
    };
    const servers = {} as Record<SideName, Server>;
    for (const side of ["guarded", "unrecorded", "unguarded"] as const) {
      const gateway = gateways[side];
      closers.push(() => gateway.close());
      servers[side] = { url: await gateway.listen(), inFlight: trackInFlight(gateway.server) };
    }
    const postgraphile: PostGraphileServer = await startPostGraphile({ databaseUrl: pg.url, poolSize: config.databasePoolSize });
    closers.push(() => postgraphile.close());
    servers.postgraphile = { url: postgraphile.url, inFlight: trackInFlight(postgraphile.server) };
    const rawSql: RawSqlServer = await startRawSqlServer({ databaseUrl: pg.url, poolSize: config.databasePoolSize });
    closers.push(() => rawSql.close());
    servers.rawSql = { url: rawSql.url, inFlight: trackInFlight(rawSql.server) };
    log(
      `PostGraphile ${postgraphile.version} on graphql ${postgraphile.graphqlVersion} (its own copy); servers: ${Object.entries(servers)
        .map(([k, s]) => `${k} ${s.url}`)
        .join(", ")}`,
    );

    const officerToken = await signBenchToken(config, "privacy_officer", "bench-privacy-officer");
    // The whole report, page by page, one request at a time, on each gateway; and where its visits begin.
    const whole = {
      guarded: await readWholeReport(servers.guarded.url, officerToken, data.reportRequestId),
      unguarded: await readWholeReport(servers.unguarded.url, officerToken, data.reportRequestId),
    };
    log(
      `whole access report (${whole.guarded.pages} pages): guarded ${fmt(whole.guarded.ms / 1000, 2)} s, unguarded ${fmt(whole.unguarded.ms / 1000, 2)} s, one request at a time`,
    );
    const workloads: Workload[] = [
      ...(await gatewayWorkloads(config, data, PAGE)),
      reportWorkload({
        requestId: data.reportRequestId,
        after: whole.guarded.visitsAfter,
        visits: data.reportVisits,
        staffToken: officerToken,
      }),
    ].filter((w) => WORKLOADS.includes(w.key));
    if (workloads.length === 0) throw new Error(`BENCH_WORKLOADS names none of profile, page, lookup, report`);

    // The floor serves, from memory, the unguarded gateway's own answers to the workloads it can (no aliases at the root).
    const floorAnswers: Record<string, unknown> = {};
    for (const w of workloads.filter((w) => FLOOR_WORKLOADS.includes(w.key)))
      Object.assign(floorAnswers, (await probe(w, "unguarded", servers.unguarded.url, w.gateway)).data);
    const floor: ApolloFloorServer = await startApolloFloor(floorAnswers, config.execution);
    closers.push(() => floor.close());
    servers.apolloFloor = { url: floor.url, inFlight: trackInFlight(floor.server) };
    const db = database.db;
    const recordsWritten = () => countOf(db, sql`select count(*) as n from disclosure_events`);

    const results = new Map<Workload, Measured[]>();
    const durations = new Map<Workload, { warmup: number; duration: number }>();
    for (const workload of workloads) {
      const { connections } = workload;
      log("");
      log(`== ${workload.title} (${connections} connections)`);
      const measured: Measured[] = [];
      const requests: [SideName, SideRequest][] = [
        ["guarded", workload.gateway],
        ["unrecorded", workload.gateway],
        ["unguarded", workload.gateway],
      ];
      if (FLOOR_WORKLOADS.includes(workload.key)) requests.push(["apolloFloor", workload.gateway]);
      if (workload.postgraphile) requests.push(["postgraphile", workload.postgraphile]);
      if (workload.rawSql) requests.push(["rawSql", workload.rawSql]);
      for (const [side, request] of requests) {
        const url = servers[side].url + (side === "rawSql" ? (request.path ?? "") : "");
        const { data: _, ...answer } = await probe(workload, side, url, request);
        const before = database.statements;
        const recordsBefore = await recordsWritten();
        const { statements, byStatement, coldMs } = await statementsAlone(counter, url, request, workload.sequential);
        const sent = workload.sequential.uncounted + workload.sequential.counted;
        const recordsPerRequest = ((await recordsWritten()) - recordsBefore) / sent;
        const gatewaySide = side === "guarded" || side === "unrecorded" || side === "unguarded";
        const drizzle = gatewaySide ? ` (Drizzle's counter: ${fmt((database.statements - before) / sent)})` : "";
        const bodyFile = join(scratch, `${workload.key}-${side}.json`);
        writeFileSync(bodyFile, JSON.stringify(request.body));
        measured.push({
          side,
          request,
          bodyFile,
          url,
          ...answer,
          statements,
          byStatement,
          recordsPerRequest,
          coldMs,
          aloneMs: NaN,
          cpuMs: NaN,
          runs: [],
          cpuUnderLoad: [],
        });
        log(
          `  ${side.padEnd(12)} ${fmtBytes(answer.bytes).padStart(10)}, ${answer.items} rows, first requests ${fmt(coldMs)} ms, ${fmt(statements)} statements/request${drizzle}` +
            `${side === "guarded" ? `, ${answer.masked.length} coordinates masked, ${answer.withheld} cells withheld, ${fmt(recordsPerRequest)} records/request` : ""}`,
        );
      }

      for (const line of extraStatements(measured)) log(`  guarded adds ${line}`);

      const target = (m: Measured) => ({ url: m.url, method: "POST" as const, headers: m.request.headers, bodyFile: m.bodyFile });
      const run = async (m: Measured, seconds: number) => {
        const cpu0 = process.cpuUsage();
        const pg0 = pg!.cpuMs();
        const result = check(`${workload.key} ${m.side}`, await runAutocannon(target(m), { connections, seconds }));
        const settling = Date.now();
        await servers[m.side].inFlight.idle();
        const waited = (Date.now() - settling) / 1000;
        if (waited > 1) log(`  (${m.side} finished abandoned requests for ${fmt(waited)} s)`);
        const cpu = process.cpuUsage(cpu0);
        const n = Math.max(1, result.requests.total);
        return { result, cpu: { gateway: (cpu.user + cpu.system) / 1000 / n, postgres: (pg!.cpuMs() - pg0) / n } };
      };
      const slowestAlone = Math.max(...measured.map((m) => m.coldMs)) / 1000;
      const warmup = Math.min(MAX_DURATION, Math.max(WARMUP, Math.ceil(2 * connections * slowestAlone)));
      const warmRates: number[] = [];
      for (const m of measured) warmRates.push((await run(m, warmup)).result.requests.total / warmup);
      const slowRate = Math.min(...warmRates);
      const needed = slowRate > 0 ? (workload.perConnection * connections) / slowRate : workload.perConnection * connections * slowestAlone;
      const duration = Math.min(MAX_DURATION, Math.max(DURATION, Math.ceil(needed)));
      log(
        `  warm-up ${warmup} s each: ${measured.map((m, i) => `${m.side} ${fmt(warmRates[i] ?? 0)}/s`).join(", ")}; ${ROUNDS} rounds of ${duration} s`,
      );
      durations.set(workload, { warmup, duration });
      // "Alone" once every side is warm: before its warm-up a side's first requests also pay the
      // JIT for code the sides share, and the side asked first pays most of it.
      const times = await timeAlone(
        measured.map((m) => ({ name: m.side, url: m.url, headers: m.request.headers, body: JSON.stringify(m.request.body) })),
        ALONE_WARM,
      );
      for (const [k, m] of measured.entries()) ({ wallMs: m.aloneMs, cpuMs: m.cpuMs } = times[k]!);
      log(
        `  alone, warm (median of ${ALONE_WARM}, sides alternating): ${measured.map((m) => `${m.side} ${fmt(m.aloneMs)} ms (CPU ${fmt(m.cpuMs)} ms)`).join(", ")}`,
      );
      for (let round = 0; round < ROUNDS; round++) {
        const order = [...measured.slice(round % measured.length), ...measured.slice(0, round % measured.length)];
        for (const m of order) {
          const { result, cpu } = await run(m, duration);
          if (result.requests.total === 0)
            throw new Error(`${workload.key} on ${m.side}: no response completed in ${duration} s; raise BENCH_MAX_DURATION`);
          m.runs.push(result);
          m.cpuUnderLoad.push(cpu);
          log(
            `  round ${round + 1}/${ROUNDS} ${m.side.padEnd(12)} ${fmtRate(rateOf(result)).padStart(8)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms`,
          );
        }
      }
      results.set(workload, measured);
    }

    const report = render(results, durations, whole, data, pg.version, postgraphile, config.execution, Date.now() - started);
    console.log("");
    console.log(report.console);
    if (process.env.BENCH_NO_WRITE !== "1") {
      writeResults(RESULTS_FILE, report.markdown);
      log(`\nwrote ${RESULTS_FILE}`);
    }
  } finally {
    for (const close of closers.reverse()) await close().catch((e: unknown) => log(`closing a server: ${String(e)}`));
    await counter?.close().catch(() => {});
    await database?.close().catch((e: unknown) => log(`closing the database: ${String(e)}`));
    await pg?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Statements the guarded gateway issues per request beyond the unguarded one's, by normalised
 * text: what enforcement costs in SQL. A statement whose text differs (the page and its count carry
 * the visibility filter) is listed too, its unguarded twin not subtracted.
 */
function extraStatements(measured: Measured[]): string[] {
  const guarded = measured.find((m) => m.side === "guarded");
  const unguarded = measured.find((m) => m.side === "unguarded");
  if (!guarded || !unguarded) return [];
  const base = new Map(unguarded.byStatement.map((s) => [s.query, s.perRequest]));
  return guarded.byStatement
    .map((s) => ({ query: s.query, extra: s.perRequest - (base.get(s.query) ?? 0) }))
    .filter((s) => s.extra > 0)
    .map((s) => `${fmt(s.extra)} x ${s.query.length > 160 ? `${s.query.slice(0, 157)}...` : s.query}`);
}

// ---- report --------------------------------------------------------------------------------------

/** Responses completed over the run's length: exact even when only a few complete (autocannon's per-second average is not). */
const rateOf = (r: AutocannonResult) => r.requests.total / r.duration;
const rps = (m: Measured) => mean(m.runs.map(rateOf));
/** Requests per second with two decimals below 10 (the report completes a fraction of one per second). */
const fmtRate = (n: number) => fmt(n, n < 10 ? 2 : 1);
const p50 = (m: Measured) => mean(m.runs.map((r) => r.latency.p50));
const p99 = (m: Measured) => mean(m.runs.map((r) => r.latency.p99));
const range = (m: Measured) => `${fmtRate(Math.min(...m.runs.map(rateOf)))}–${fmtRate(Math.max(...m.runs.map(rateOf)))}`;
/** CPU per request under the load, means over the rounds. */
const cpuGateway = (m: Measured) => mean(m.cpuUnderLoad.map((c) => c.gateway));
const cpuPostgres = (m: Measured) => mean(m.cpuUnderLoad.map((c) => c.postgres));
const errorsOf = (m: Measured) => m.runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);

function render(
  results: Map<Workload, Measured[]>,
  durations: Map<Workload, { warmup: number; duration: number }>,
  whole: Record<"guarded" | "unguarded", { pages: number; ms: number }>,
  data: BenchData,
  pgVersion: string,
  postgraphile: PostGraphileServer,
  execution: Execution,
  elapsedMs: number,
) {
  const sideRows: string[] = [];
  const ratioRows: string[] = [];
  const priceLines: string[] = [];
  for (const [workload, measured] of results) {
    const bySide = new Map(measured.map((m) => [m.side, m]));
    for (const m of measured) {
      sideRows.push(
        `| ${workload.key} | ${SIDE_LABEL[m.side]} | ${fmtRate(rps(m))} | ${range(m)} | ${fmt(p50(m))} | ${fmt(p99(m))} | ${fmt(cpuGateway(m), 2)} | ${fmt(cpuPostgres(m), 2)} | ${fmt(m.aloneMs)} | ${fmt(m.statements)} | ${fmtBytes(m.bytes)} | ${m.items} | ${errorsOf(m)} |`,
      );
    }
    const side = (name: SideName) => bySide.get(name);
    const guarded = side("guarded")!;
    const unrecorded = side("unrecorded")!;
    const unguarded = side("unguarded")!;
    const ratio = (a: Measured, b: Measured, comparison: string, target: string, met?: boolean) =>
      ratioRows.push(
        `| ${workload.key} | ${comparison} | ${fmt(rps(a) / rps(b), 2)} | ${fmt(p99(a) / p99(b), 2)} | ${target} | ${met === undefined ? "" : met ? "met" : "**not met**"} |`,
      );
    const enforcement = rps(unrecorded) / rps(unguarded);
    ratio(
      unrecorded,
      unguarded,
      "enforcement apart from the record: records not written / unguarded",
      `>= ${TARGETS.enforcementThroughput}, p99 <= ${TARGETS.enforcementP99} x`,
      enforcement >= TARGETS.enforcementThroughput && p99(unrecorded) / p99(unguarded) <= TARGETS.enforcementP99,
    );
    ratio(guarded, unrecorded, "the record: guarded / records not written", "(its price)");
    ratio(guarded, unguarded, "guarded / unguarded", "");
    const peer = side("postgraphile");
    if (peer) {
      ratio(
        guarded,
        peer,
        "guarded / PostGraphile",
        `>= ${TARGETS.postgraphileThroughput}`,
        rps(guarded) / rps(peer) >= TARGETS.postgraphileThroughput,
      );
      ratio(unguarded, peer, "unguarded / PostGraphile", "");
    }
    const apollo = side("apolloFloor");
    if (apollo) ratio(unguarded, apollo, "unguarded / Apollo floor", "(the framework)");
    const raw = side("rawSql");
    if (raw) ratio(guarded, raw, "guarded / raw SQL", "(the floor)");
    const subjects = guarded.recordsPerRequest;
    const pgExtra = cpuPostgres(guarded) - cpuPostgres(unrecorded);
    const gatewayExtra = cpuGateway(guarded) - cpuGateway(unrecorded);
    priceLines.push(
      `- **${workload.key}**: ${fmt(subjects)} record${subjects === 1 ? "" : "s"} per request; guarded / records not written ${fmt(rps(guarded) / rps(unrecorded), 2)} in throughput; ` +
        `PostgreSQL ${fmt(pgExtra, 3)} ms more CPU per request (${subjects > 0 ? fmt(pgExtra / subjects, 3) : "-"} ms per recorded subject), this process ${fmt(gatewayExtra, 3)} ms.`,
    );
  }
  const sideTable = [
    "| workload | side | requests/s | slowest–fastest round | p50 ms | p99 ms | this process's CPU / request, ms | PostgreSQL's CPU / request, ms | one request alone, ms | SQL statements / request | response | rows | non-2xx, errors |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...sideRows,
  ].join("\n");
  const ratioTable = [
    "| workload | comparison | throughput ratio | p99 ratio | target | |",
    "|---|---|---:|---:|---|---|",
    ...ratioRows,
  ].join("\n");

  const first = [...results.values()][0]?.[0];
  const rounds = first?.runs.length ?? 0;
  const workloadLines = [...results].map(([w, measured]) => {
    const guarded = measured.find((m) => m.side === "guarded")!;
    const d = durations.get(w)!;
    return (
      `- **${w.key}**: ${w.description}. Guarded answer: ${guarded.masked.length} coordinates masked` +
      `${guarded.masked.length ? ` (${guarded.masked.map((c) => `\`${c}\``).join(", ")})` : ""}, ${guarded.withheld} cells withheld. ` +
      `autocannon ${w.connections} connection${w.connections > 1 ? "s" : ""}, warm-up ${d.warmup} s, runs of ${d.duration} s.`
    );
  });
  const markdown = `# Benchmarks (\`npm run bench\`)

${machineHeader(pgVersion, [
  `PostGraphile ${postgraphile.version} (on its own graphql ${postgraphile.graphqlVersion})`,
  `autocannon ${autocannonVersion()}`,
  ...(Object.keys(PG_SETTINGS).length > 0 ? [`**PostgreSQL settings changed for this run: ${JSON.stringify(PG_SETTINGS)}**`] : []),
])}
- database: ${data.customers.toLocaleString("en-US")} customers, seed ${data.seedValue} (\`src/db/seed\`), plus one verified access request's
  subject with ${data.reportVisits.toLocaleString("en-US")} visits (bench/seedLarge.ts); one pool of 10 connections per server
- load: autocannon in a separate process over loopback; per workload a warm-up per side, then ${rounds} rounds
  in which every side runs once, the order rotating by round (drift cancels); requests/s, p50 and p99 are means over the rounds;
  runs lengthened past ${DURATION} s where a side is slow (see bench/run.ts); SQL statements counted by PostgreSQL
  (pg_stat_statements: every top-level statement, BEGIN/COMMIT included) over one-at-a-time requests before the load; "alone",
  gateways (and the Apollo floor) executing with ${execution === "jit" ? "graphql-jit's compiled queries" : "graphql-js's executor"} (EXECUTION);
  after the warm-up, ${ALONE_WARM} requests per side one at a time, the sides alternating: median wall time. CPU per
  request: over each run under load, this process's (every server runs in it; the load generator does not) and
  PostgreSQL's (every process of the server, /proc), divided by the requests completed; means over the rounds.
  Whole run: ${fmt(elapsedMs / 60_000)} min.

${workloadLines.join("\n")}
- **whole access report**, read page by page (${whole.guarded.pages} pages of ${REPORT_PAGE} rows), one request at a time, once per side
  before the load: guarded ${fmt(whole.guarded.ms / 1000, 2)} s, unguarded ${fmt(whole.unguarded.ms / 1000, 2)} s (${fmt(whole.guarded.ms / whole.unguarded.ms, 2)} x).

${sideTable}

${ratioTable}

The price of the disclosure record (one row per request and subject, committed before the answer leaves;
guarded against records built but not written, in this run):

${priceLines.join("\n")}

Sides: **guarded**, \`createEnforcedGateway\` (the production assembly); **records not written**, the same assembly
whose disclosure write stores nothing (\`bench/unrecorded.ts\`): every decision, transform and record built;
**unguarded**, the same resolvers, loaders, HTTP handling and authentication with a pass-through enforcement
(\`bench/unguarded.ts\`); **Apollo Server floor**, Apollo Server 5 over the same schema with graphql-js's default
resolvers and the unguarded side's answer held in memory (\`bench/apolloFloor.ts\`: no database, no authentication);
**PostGraphile** 4 middleware
on a bare \`node:http\` server over the same tables, no authentication, every column as stored; **raw SQL**, one
hand-written statement per request through postgres.js in a bare \`node:http\` handler, JSON built by PostgreSQL and
sent as it comes (\`bench/rawSql.ts\`), same shape as the gateway's answer. "rows": customers plus their accounts and
cards (page), accounts plus one (profile), customers found (lookup), report entries (report). Every side's page is the
first 100 active customers by id (the guarded side would leave out erased and restricted subjects anyway), so all
serve the same 100. The operations are in \`bench/workloads/\`.

**The machine is shared and noisy** (${cpus().length} cores for the servers, PostgreSQL and the load generator together,
other people's work alongside): read the ratios, which come from interleaved rounds, not the absolute numbers.
`;
  return { markdown, console: `${sideTable}\n\n${ratioTable}` };
}

function autocannonVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("autocannon/package.json") as { version: string }).version;
}

await main();
