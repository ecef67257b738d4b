/**
 * `npm run bench:scale`: the same workloads on a small and a large database, each with a full
 * disclosure log: is the cost flat as the data grows?
 *
 * Two throwaway PostgreSQL servers (bench/postgres.ts, ports BENCH_SCALE_PORTS, default
 * 55572,55573, with pg_stat_statements), prepared at the same time: one seeded with
 * BENCH_SCALE_SMALL customers (10,000), the other with BENCH_SCALE_LARGE (1,000,000), both by
 * bench/seedLarge.ts (seed() for the first 10,000, copies in SQL beyond: bench/cloneCustomers.ts),
 * so both hold the same fixtures. Each then gets its gateway (createEnforcedGateway, in this
 * process), one request of each workload (the records it writes are the templates), and
 * BENCH_SCALE_RECORDS disclosure records (10,000,000) over 36 monthly partitions
 * (bench/fillDisclosureLog.ts). Every step's time is printed.
 *
 * Per workload (profile, page, lookup: bench/workloads/, as bench/run.ts builds them): SQL
 * statements per request at both sizes (pg_stat_statements), `EXPLAIN (ANALYZE, BUFFERS)` of each
 * statement one request sends at both sizes, with that request's parameters (bench/explainRequest.ts;
 * a sequential scan of a large relation is flagged), a warm-up per size, then BENCH_ROUNDS rounds of
 * autocannon (bench/runAutocannon.ts), the order of the sizes alternating. Targets: throughput of
 * the large within 10 % of the small's, the same statements per request, no sequential scan of a
 * large relation. Results to stdout and bench/RESULTS-scale.md.
 *
 * Knobs (environment): BENCH_SCALE_SMALL, BENCH_SCALE_LARGE, BENCH_SCALE_RECORDS,
 * BENCH_SCALE_PORTS, BENCH_ROUNDS (3), BENCH_DURATION seconds per run (10), BENCH_WARMUP seconds
 * per size (5), BENCH_WORKLOADS (profile,page,lookup), BENCH_NO_WRITE=1, BENCH_LOG_LEVEL (silent).
 */
import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, type DatabaseHandle } from "../src/db/client.js";
import { loadConfig } from "../src/server/config.js";
import { createEnforcedGateway } from "../src/server/createEnforcedGateway.js";
import type { Gateway } from "../src/server/createGateway.js";
import { createLogger } from "../src/server/logger.js";
import { envInt } from "./envInt.js";
import { type ExplainedStatement, explainRequest, LARGE_RELATION } from "./explainRequest.js";
import { fillDisclosureLog } from "./fillDisclosureLog.js";
import { machineHeader } from "./machineHeader.js";
import { type PostgresServer, startPostgres } from "./postgres.js";
import { type AutocannonResult, runAutocannon } from "./runAutocannon.js";
import { type BenchData, seedLarge } from "./seedLarge.js";
import { createStatementCounter, type StatementCounter } from "./statementCounter.js";
import { statementsAlone } from "./statementsAlone.js";
import { fmt, mean } from "./stats.js";
import { gatewayWorkloads } from "./workloads/gatewayWorkloads.js";
import type { SideRequest, Workload } from "./workloads/Workload.js";
import { writeResults } from "./writeResults.js";

const SMALL = envInt("BENCH_SCALE_SMALL", 10_000);
const LARGE = envInt("BENCH_SCALE_LARGE", 1_000_000);
const RECORDS = envInt("BENCH_SCALE_RECORDS", 10_000_000);
const PORTS = (process.env.BENCH_SCALE_PORTS ?? "55572,55573").split(",").map((p) => Number(p.trim()));
const ROUNDS = envInt("BENCH_ROUNDS", 3);
const DURATION = envInt("BENCH_DURATION", 10);
const WARMUP = envInt("BENCH_WARMUP", 5);
const WORKLOADS = (process.env.BENCH_WORKLOADS ?? "profile,page,lookup").split(",").map((w) => w.trim());
const PAGE = 100;
const LOOKUPS = 50;
const SEED = 42;
/** Throughput of the large database within this fraction of the small's. */
const FLAT = 0.1;
const RESULTS_FILE = fileURLToPath(new URL("./RESULTS-scale.md", import.meta.url));

const log = (line: string) => console.error(line);

type SizeName = "small" | "large";

interface Size {
  name: SizeName;
  customers: number;
  pg: PostgresServer;
  database: DatabaseHandle;
  gateway: Gateway;
  url: string;
  data: BenchData;
  workloads: Workload[];
  counter: StatementCounter;
  /** Seconds per preparation step. */
  steps: { step: string; seconds: number }[];
}

interface Measured {
  statements: number;
  byStatement: { query: string; perRequest: number }[];
  plans: ExplainedStatement[];
  bodyFile: string;
  runs: AutocannonResult[];
}

const send = async (url: string, request: SideRequest) => {
  const res = await fetch(url, { method: "POST", headers: request.headers, body: JSON.stringify(request.body) });
  const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  const errors = (body.errors ?? []).filter((e) => e.extensions?.code !== "WITHHELD");
  if (res.status !== 200 || errors.length > 0) throw new Error(`HTTP ${res.status}, errors: ${JSON.stringify(errors.slice(0, 3))}`);
  if (request.items(body.data) === 0) throw new Error("the answer holds no rows");
};

async function prepare(name: SizeName, customers: number, port: number, closers: (() => Promise<void>)[]): Promise<Size> {
  const say = (line: string) => log(`[${name}] ${line}`);
  const steps: Size["steps"] = [];
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    steps.push({ step, seconds: (Date.now() - started) / 1000 });
    say(`${step}: ${fmt((Date.now() - started) / 1000)} s`);
    return result;
  };
  const pg = await startPostgres({ port, log: say, settings: { shared_preload_libraries: "pg_stat_statements" } });
  closers.push(() => pg.stop());
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: pg.url, LOG_LEVEL: "silent", MAX_ALIASES: String(LOOKUPS) });
  const database = await createDatabase({ url: pg.url, poolSize: config.databasePoolSize });
  closers.push(() => database.close());
  await database.migrate();
  const data = await seedLarge(database, { customers, seed: SEED, reportVisits: 0, lookups: LOOKUPS });
  for (const s of data.steps) {
    steps.push(s);
    say(`${s.step}: ${fmt(s.seconds)} s`);
  }
  const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? "silent" });
  const gateway = await createEnforcedGateway({ config, database, logger });
  closers.push(() => gateway.close());
  const url = await gateway.listen();
  const workloads = (await gatewayWorkloads(config, data, PAGE)).filter((w) => WORKLOADS.includes(w.key));
  // One of each: checks the answers and writes the records the log's bulk copies.
  for (const w of workloads) await send(url, w.gateway).catch((e: Error) => Promise.reject(new Error(`${name} ${w.key}: ${e.message}`)));
  await timed(`${RECORDS.toLocaleString("en-US")} disclosure records`, () => fillDisclosureLog(database, RECORDS, say));
  const counter = await createStatementCounter(pg.url);
  closers.push(() => counter.close());
  return { name, customers: data.customers, pg, database, gateway, url, data, workloads, counter, steps };
}

async function main() {
  if (WORKLOADS.length === 0 || !WORKLOADS.every((w) => ["profile", "page", "lookup"].includes(w)))
    throw new Error("BENCH_WORKLOADS names one or more of profile, page, lookup");
  if (PORTS.length !== 2) throw new Error("BENCH_SCALE_PORTS names two ports");
  const closers: (() => Promise<void>)[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "bench-scale."));
  const started = Date.now();
  try {
    const sizes = await Promise.all([prepare("small", SMALL, PORTS[0]!, closers), prepare("large", LARGE, PORTS[1]!, closers)]);
    log(`prepared both in ${fmt((Date.now() - started) / 60_000)} min`);
    const results = new Map<string, Record<SizeName, Measured>>();
    for (const [k, workload] of sizes[0].workloads.entries()) {
      log(`\n== ${workload.title} (${workload.connections} connections)`);
      const measured = {} as Record<SizeName, Measured>;
      for (const size of sizes) {
        const request = size.workloads[k]!.gateway;
        await send(size.url, request);
        const { statements, byStatement } = await statementsAlone(size.counter, size.url, request, workload.sequential);
        const plans = await explainRequest(size.pg.url, size.pg.logFile, () => send(size.url, request));
        const bodyFile = join(scratch, `${workload.key}-${size.name}.json`);
        writeFileSync(bodyFile, JSON.stringify(request.body));
        measured[size.name] = { statements, byStatement, plans, bodyFile, runs: [] };
        const flagged = plans.flatMap((p) => p.seqScans);
        log(
          `  ${size.name}: ${fmt(statements)} statements/request, ${plans.length} explained${flagged.length ? `, SEQ SCAN on ${flagged.join(", ")}` : ""}`,
        );
      }
      const run = (size: Size, seconds: number) =>
        runAutocannon(
          { url: size.url, method: "POST", headers: size.workloads[k]!.gateway.headers, bodyFile: measured[size.name].bodyFile },
          { connections: workload.connections, seconds },
        );
      for (const size of sizes) await run(size, WARMUP);
      for (let round = 0; round < ROUNDS; round++) {
        for (const size of round % 2 === 0 ? sizes : [...sizes].reverse()) {
          const result = await run(size, DURATION);
          if (result.non2xx + result.errors + result.timeouts > 0)
            log(`  warning: ${size.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
          measured[size.name].runs.push(result);
          log(`  round ${round + 1}/${ROUNDS} ${size.name} ${fmt(rateOf(result))} req/s  p99 ${result.latency.p99} ms`);
        }
      }
      results.set(workload.key, measured);
    }
    const report = render(sizes, results, Date.now() - started);
    console.log(report.console);
    if (process.env.BENCH_NO_WRITE !== "1") {
      writeResults(RESULTS_FILE, report.markdown);
      log(`\nwrote ${RESULTS_FILE}`);
    }
  } finally {
    for (const close of closers.reverse()) await close().catch((e: unknown) => log(`closing: ${String(e)}`));
    rmSync(scratch, { recursive: true, force: true });
  }
}

const rateOf = (r: AutocannonResult) => r.requests.total / r.duration;
const rps = (m: Measured) => mean(m.runs.map(rateOf));
const p99 = (m: Measured) => mean(m.runs.map((r) => r.latency.p99));

function render(sizes: Size[], results: Map<string, Record<SizeName, Measured>>, elapsedMs: number) {
  const [small, large] = sizes as [Size, Size];
  const rows: string[] = [];
  const plans: string[] = [];
  for (const [key, m] of results) {
    const ratio = rps(m.large) / rps(m.small);
    const sameStatements = m.large.statements === m.small.statements;
    const seqScans = m.large.plans.flatMap((p) => p.seqScans);
    rows.push(
      `| ${key} | ${fmt(rps(m.small))} | ${fmt(rps(m.large))} | ${fmt(ratio, 2)} | ${Math.abs(1 - ratio) <= FLAT ? "met" : "**not met**"} | ` +
        `${fmt(p99(m.small))} | ${fmt(p99(m.large))} | ${fmt(m.small.statements)} | ${fmt(m.large.statements)} | ${sameStatements ? "same" : "**differ**"} | ` +
        `${seqScans.length ? `**${seqScans.join(", ")}**` : "none"} |`,
    );
    const queries = [...new Set([...m.small.plans, ...m.large.plans].map((p) => p.query))];
    plans.push(`### ${key}\n`);
    for (const query of queries) {
      const of = (s: Measured) => s.plans.find((p) => p.query === query);
      plans.push(`- \`${query.replace(/\s+/g, " ").slice(0, 100).replace(/`/g, "'")}...\``);
      for (const size of [small, large]) {
        const p = of(m[size.name]);
        plans.push(
          p
            ? `  - ${size.name}: ${accessPaths(p.plan).join("; ") || p.plan.split("\n")[0]}; generic plan: ${accessPaths(p.genericPlan).join("; ") || p.genericPlan.split("\n")[0]}`
            : `  - ${size.name}: not sent at this size`,
        );
      }
      // The whole plans go to the console: the results file keeps how each relation is read.
      console.error(
        `\n-- ${key}: ${query}\n${[small, large].map((size) => `${size.name}:\n${of(m[size.name])?.plan ?? "-"}\ngeneric:\n${of(m[size.name])?.genericPlan ?? "-"}`).join("\n")}`,
      );
    }
  }
  const table = [
    "| workload | small req/s | large req/s | large / small | within 10 % | p99 small ms | p99 large ms | statements / request small | large | | seq scans of large relations (large) |",
    "|---|---:|---:|---:|---|---:|---:|---:|---:|---|---|",
    ...rows,
  ].join("\n");
  const stepLines = sizes.map(
    (s) =>
      `- ${s.name}, ${s.customers.toLocaleString("en-US")} customers: ${s.steps.map((t) => `${t.step} ${fmt(t.seconds)} s`).join("; ")}`,
  );
  const markdown = `# Cost as the data grows (\`npm run bench:scale\`)

${machineHeader(small.pg.version, ["pg_stat_statements"])}
- sizes: ${small.customers.toLocaleString("en-US")} and ${large.customers.toLocaleString("en-US")} customers (seed ${SEED}; beyond 10,000, copies made in SQL: bench/cloneCustomers.ts),
  each with ${RECORDS.toLocaleString("en-US")} disclosure records over 36 monthly partitions (bench/fillDisclosureLog.ts); one server and one gateway each
- load: per workload a warm-up of ${WARMUP} s per size, then ${ROUNDS} rounds of ${DURATION} s in which each size runs once, the order alternating; requests/s and p99 are means over the rounds;
  statements per request counted by pg_stat_statements (BEGIN/COMMIT included). Whole run: ${fmt(elapsedMs / 60_000)} min.
- preparation, at the same time for both (each step's seconds):
${stepLines.join("\n")}

${table}

Targets: throughput at the large size within 10 % of the small's, the same SQL statements per request, every plan on
an index (a sequential scan of a relation of more than ${LARGE_RELATION.toLocaleString("en-US")} rows is flagged). **The machine is shared and noisy**: only the ratios count.

## Plans

How each relation is read, from \`EXPLAIN (ANALYZE, BUFFERS)\` of each statement one request sends, with that request's
parameters (bench/explainRequest.ts), at both sizes, and from \`EXPLAIN\` of its generic plan (the gateway prepares its
statements: after five executions PostgreSQL may run the generic one); writes run in a transaction rolled back. The
whole plans are printed by the run.

${plans.join("\n")}`;
  return { markdown, console: table };
}

await main();

/** The plan's scans, `Index Scan using customers_pkey on customers`, each once, in plan order. */
function accessPaths(plan: string): string[] {
  const found = plan.match(/(?:Index Only Scan|Bitmap Index Scan|Index Scan|Seq Scan)(?: Backward)?(?: using \S+)? on \S+/g) ?? [];
  return [...new Set(found)];
}
