/**
 * `npm run bench:policy`: what privacy enforcement costs.
 *
 * One process, one throwaway PostgreSQL server (bench/postgres.ts), one seeded database
 * (2000 customers, seed 42), two gateways on loopback:
 *   (A) guarded   = createEnforcedGateway (shield rules, value transforms, purpose and static
 *                   check plugins, subject-state loading, disclosure log);
 *   (B) unguarded = createGateway over the bare schema with a pass-through enforcement
 *                   (bench/unguarded.ts).
 * Workload: a support agent reads a page of 100 customers with every personal field the static
 * check lets `customer_support` select. autocannon (a separate process, so that the load
 * generator does not share the gateways' event loop) runs against A and B interleaved after a
 * warm-up; the table goes to stdout and to bench/RESULTS-policy.md.
 *
 * Knobs (environment): BENCH_ROUNDS (4), BENCH_DURATION seconds per run (5), BENCH_CONNECTIONS (8),
 * BENCH_WARMUP seconds per gateway (3), BENCH_MAX_DURATION (60), BENCH_SEQUENTIAL (20),
 * BENCH_PAGE (100), BENCH_CUSTOMERS (2000), BENCH_PG_PORT (55433), BENCH_NO_WRITE=1 to skip
 * writing the results file, BENCH_EXECUTOR=shield to run side A with graphql-shield's executor
 * instead of the guards (src/enforcement/applyRuleTree.ts), as before they replaced it.
 *
 * Round length: autocannon only counts responses that arrive within `duration`, and a request
 * queued behind CONNECTIONS - 1 others takes about CONNECTIONS x its own time. When requests are
 * slow, a 5 s round completes next to nothing and drops the requests in flight, which biases
 * against the slower side. So each run lasts at least BENCH_DURATION and at least long enough for
 * about 8 responses per connection on the slower side, at the rate it reached in the warm-up,
 * capped at BENCH_MAX_DURATION; both sides get the same length.
 */
import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import {
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
} from "graphql";
import { createDatabase, type DatabaseHandle } from "../src/db/client.js";
import { seed } from "../src/db/seed/seed.js";
import { getDataMap } from "../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../src/graphql/buildGatewaySchema.js";
import type { Purpose } from "../src/policy/purposes.js";
import { loadConfig, type Config } from "../src/server/config.js";
import { createEnforcedGateway } from "../src/server/createEnforcedGateway.js";
import type { Gateway } from "../src/server/createGateway.js";
import { createLogger } from "../src/server/logger.js";
import { envInt as env } from "./envInt.js";
import { machineHeader } from "./machineHeader.js";
import { startPostgres, type PostgresServer } from "./postgres.js";
import { buildWorkload, POLICY_PAGE } from "./policyWorkload.js";
import { runAutocannon, type AutocannonResult } from "./runAutocannon.js";
import { signBenchToken } from "./signBenchToken.js";
import { fmt, fmtBytes, mean } from "./stats.js";
import { timeAlone, type AloneTimes } from "./timeAlone.js";
import { trackInFlight } from "./trackInFlight.js";
import { createUnguardedGateway } from "./unguarded.js";
import { writeResults } from "./writeResults.js";
const ROUNDS = env("BENCH_ROUNDS", 4);
const DURATION = env("BENCH_DURATION", 5);
const CONNECTIONS = env("BENCH_CONNECTIONS", 8);
const WARMUP = env("BENCH_WARMUP", 3);
const MAX_DURATION = env("BENCH_MAX_DURATION", 60);
/** Responses per connection a run should allow on the slower side (see the header). */
const PER_CONNECTION = 8;
const PAGE = env("BENCH_PAGE", POLICY_PAGE.page);
const CUSTOMERS = env("BENCH_CUSTOMERS", POLICY_PAGE.customers);
const SEED = POLICY_PAGE.seed;
/** Requests sent one at a time to each gateway, before the load (to size the warm-up) and after the warm-up (the figures). */
const SEQUENTIAL = env("BENCH_SEQUENTIAL", 20);
const EXECUTOR = process.env.BENCH_EXECUTOR === "shield" ? "shield" : "guards";
const VISITS = POLICY_PAGE.visits;
const TARGET = 0.85;
const PURPOSE: Purpose = POLICY_PAGE.purpose;
const ROLE = POLICY_PAGE.caller.role;
const RESULTS_FILE = fileURLToPath(new URL("./RESULTS-policy.md", import.meta.url));

const log = (line: string) => console.error(line);

interface Answer {
  status: number;
  bytes: number;
  body: {
    data?: { customers?: { edges: { node: Record<string, unknown> }[] } } | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; reason?: string } }[];
    extensions?: { privacy?: { purpose: string; masked: string[]; pseudonymized: string[]; withheld: string[] } };
  };
}

async function post(url: string, body: string, token: string): Promise<Answer> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
  const text = await res.text();
  return { status: res.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) as Answer["body"] };
}

/** Leaf coordinates of a response (`Profile.email`) with how often each occurs, walking the schema's types. */
function leaves(schema: GraphQLSchema, data: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  const walk = (value: unknown, type: GraphQLObjectType) => {
    if (value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const field = type.getFields()[key];
      if (!field) continue;
      const named = getNamedType(field.type);
      const items = isList(field.type) && Array.isArray(child) ? child : [child];
      for (const item of items) {
        if (isObjectType(named) && item !== null) walk(item, named);
        else if (!isObjectType(named)) counts.set(`${type.name}.${key}`, (counts.get(`${type.name}.${key}`) ?? 0) + 1);
      }
    }
  };
  const query = schema.getQueryType();
  if (query) walk(data, query);
  return counts;
}

function isList(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** Every path of a JSON value with list indices collapsed: two answers of the same shape have the same set. */
function shape(value: unknown, prefix = "", into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) shape(item, `${prefix}[]`, into);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      into.add(`${prefix}.${k}`);
      shape(v, `${prefix}.${k}`, into);
    }
  }
  return into;
}

// ---- load ---------------------------------------------------------------------------------------

function autocannon(url: string, bodyFile: string, token: string, seconds: number): Promise<AutocannonResult> {
  return runAutocannon(
    { url, method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, bodyFile },
    { connections: CONNECTIONS, seconds },
  );
}

interface Side {
  name: string;
  url: string;
  inFlight: ReturnType<typeof trackInFlight>;
  runs: AutocannonResult[];
  statements: number;
  bytes: number;
}

// ---- main ---------------------------------------------------------------------------------------

async function main() {
  let pg: PostgresServer | undefined;
  let database: DatabaseHandle | undefined;
  const gateways: Gateway[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "bench-policy."));
  try {
    pg = await startPostgres({ log });
    const config: Config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATABASE_URL: pg.url, LOG_LEVEL: "silent" });
    database = await createDatabase({ url: pg.url, poolSize: config.databasePoolSize });
    await database.migrate();
    const t = Date.now();
    const summary = await seed(database.db, { customers: CUSTOMERS, seed: SEED });
    // Planner statistics and the visibility map, as autovacuum keeps them in a database in use (and
    // as bench/seedLarge.ts does): without them the first minutes would run on PostgreSQL's default
    // estimates, and index-only scans would still visit the table.
    await database.db.execute(sql`vacuum analyze`);
    log(`seeded ${summary.rows.customers} customers in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const logger = createLogger({ level: "silent" });
    const guarded = await createEnforcedGateway({ config, database, logger, executor: EXECUTOR });
    gateways.push(guarded);
    const unguarded = await createUnguardedGateway({ config, database, logger });
    gateways.push(unguarded);
    const urlA = await guarded.listen();
    const urlB = await unguarded.listen();
    const inFlightA = trackInFlight(guarded.server);
    const inFlightB = trackInFlight(unguarded.server);
    log(`guarded (A) ${urlA}; unguarded (B) ${urlB}`);

    const token = await signBenchToken(config, ROLE, POLICY_PAGE.caller.staffId);

    const bare = await buildGatewaySchema();
    const dataMap = getDataMap(bare);
    const workload = buildWorkload(bare, dataMap, POLICY_PAGE.caller, PURPOSE, VISITS);
    const body = JSON.stringify({ query: workload.query, variables: { first: PAGE } });
    const bodyFile = join(scratch, "body.json");
    writeFileSync(bodyFile, body);

    // ---- one request each: correctness of the workload, masked share, statements --------------
    const before = database.statements;
    const a = await post(urlA, body, token);
    const statementsA = database.statements - before;
    const between = database.statements;
    const b = await post(urlB, body, token);
    const statementsB = database.statements - between;

    const edgesA = a.body.data?.customers?.edges ?? [];
    const edgesB = b.body.data?.customers?.edges ?? [];
    const otherErrors = (a.body.errors ?? []).filter((e) => e.extensions?.code !== "WITHHELD");
    if (a.status !== 200 || edgesA.length !== PAGE || otherErrors.length > 0) {
      throw new Error(
        `guarded answer unusable: HTTP ${a.status}, ${edgesA.length} customers, errors: ${JSON.stringify(otherErrors.slice(0, 3))}`,
      );
    }
    if (b.status !== 200 || edgesB.length !== PAGE || (b.body.errors ?? []).length > 0) {
      throw new Error(
        `unguarded answer unusable: HTTP ${b.status}, ${edgesB.length} customers, errors: ${JSON.stringify((b.body.errors ?? []).slice(0, 3))}`,
      );
    }
    if (b.body.extensions?.privacy) throw new Error("the unguarded gateway applied enforcement (extensions.privacy present)");
    const idsOf = (edges: { node: { id?: unknown } }[]) => edges.map((e) => String(e.node.id)).join();
    if (idsOf(edgesA) !== idsOf(edgesB))
      throw new Error("the two sides serve different customers: the workload must page over customers both see");
    const privacy = a.body.extensions?.privacy;
    if (!privacy) throw new Error("the guarded answer has no extensions.privacy");
    const withheldErrors = (a.body.errors ?? []).length;
    const withheldReasons = countBy((a.body.errors ?? []).map((e) => e.extensions?.reason ?? "?"));
    const cellsA = leaves(bare, a.body.data);
    const personalCells = [...cellsA].filter(([c]) => dataMap.fields.has(c)).reduce((n, [, k]) => n + k, 0);
    const maskedCells = [...cellsA].filter(([c]) => privacy.masked.includes(c)).reduce((n, [, k]) => n + k, 0);
    const personalCellsB = [...leaves(bare, b.body.data)].filter(([c]) => dataMap.fields.has(c)).reduce((n, [, k]) => n + k, 0);
    const maskedShare = privacy.masked.length / workload.personal.length;
    // Transformed for real: values of the same subject and coordinate that differ between A and B.
    const changed = differingCells(bare, a.body.data, b.body.data);
    const shapeA = shape(a.body.data);
    const shapeB = shape(b.body.data);
    const onlyA = [...shapeA].filter((p) => !shapeB.has(p));
    const onlyB = [...shapeB].filter((p) => !shapeA.has(p));
    const sameShape = onlyA.length === 0 && onlyB.length === 0;

    log("");
    log(
      `workload: ${PAGE} customers, ${workload.personal.length} personal coordinates selected (visits(first: ${VISITS})), purpose ${PURPOSE}, role ${ROLE}`,
    );
    log(`  left out (static check would reject the operation): ${workload.excluded.map((e) => e.coordinate).join(", ") || "none"}`);
    log(
      `guarded answer: HTTP ${a.status}, ${fmtBytes(a.bytes)}, masked coordinates ${privacy.masked.length}/${workload.personal.length} = ${fmt(100 * maskedShare)} %` +
        ` (${maskedCells}/${personalCells} personal cells), withheld cells ${withheldErrors} ${JSON.stringify(withheldReasons)}, other errors 0`,
    );
    log(`  masked: ${privacy.masked.join(", ")}`);
    log(
      `  values that differ from the unguarded answer (same subject): ${changed.differ}/${changed.compared} personal cells of ${changed.subjects} common subjects`,
    );
    log(
      `unguarded answer: HTTP ${b.status}, ${fmtBytes(b.bytes)}, ${personalCellsB} personal cells, no errors, no extensions.privacy; same shape as guarded: ${sameShape ? "yes" : `no (only A: ${onlyA.slice(0, 5).join(", ")}; only B: ${onlyB.slice(0, 5).join(", ")})`}`,
    );
    log(`SQL statements per request: guarded ${statementsA}, unguarded ${statementsB}`);

    // ---- one request at a time: the latency of a request alone, no queueing -------------------
    // Wall time, and this process's CPU time (the gateway's work, plus fetch reading the answer),
    // the sides alternating. Measured twice: before the load, only to size the warm-up (the
    // first requests also pay the JIT for the code the sides share, the side asked first the
    // most); and after the warm-up, the figures of record.
    const targets = [
      { name: "guarded", url: urlA },
      { name: "unguarded", url: urlB },
    ].map((t) => ({ ...t, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body }));
    const oneAtATime = async () => {
      const [A, B] = (await timeAlone(targets, SEQUENTIAL)) as [AloneTimes, AloneTimes];
      return { A, B };
    };
    const first = await oneAtATime();
    log(
      `first requests, one at a time (median of ${SEQUENTIAL}): guarded ${fmt(first.A.wallMs)} ms wall, unguarded ${fmt(first.B.wallMs)} ms wall`,
    );
    // Warm-up long enough for each connection to see about two answers (CPU can exceed wall time:
    // the garbage collector works on helper threads).
    const slowest = Math.max(first.A.wallMs, first.B.wallMs, first.A.cpuMs, first.B.cpuMs) / 1000;
    const warmup = Math.min(MAX_DURATION, Math.max(WARMUP, Math.ceil(2 * CONNECTIONS * slowest)));

    // ---- load: warm-up, then interleaved rounds ------------------------------------------------
    const sides: Side[] = [
      { name: "guarded (A)", url: urlA, inFlight: inFlightA, runs: [], statements: statementsA, bytes: a.bytes },
      { name: "unguarded (B)", url: urlB, inFlight: inFlightB, runs: [], statements: statementsB, bytes: b.bytes },
    ];
    log("");
    log(`warm-up: ${warmup} s each, ${CONNECTIONS} connections`);
    const run = async (side: Side, seconds: number) => {
      const result = await autocannon(side.url, bodyFile, token, seconds);
      const settling = Date.now();
      await side.inFlight.idle();
      const waited = (Date.now() - settling) / 1000;
      if (waited > 1) log(`  (${side.name} finished abandoned requests for ${fmt(waited)} s before the next run)`);
      return result;
    };
    const warmRates: number[] = [];
    for (const side of sides) {
      const result = check(side.name, await run(side, warmup), true);
      warmRates.push(result.requests.total / warmup);
      log(`  ${side.name}: ${result.requests.total} responses in ${warmup} s`);
    }
    const alone = await oneAtATime();
    log(
      `one request at a time, warm (median of ${SEQUENTIAL}): guarded ${fmt(alone.A.wallMs)} ms wall, ${fmt(alone.A.cpuMs)} ms CPU;` +
        ` unguarded ${fmt(alone.B.wallMs)} ms wall, ${fmt(alone.B.cpuMs)} ms CPU`,
    );
    const slowRate = Math.min(...warmRates);
    const duration =
      slowRate <= 0 ? MAX_DURATION : Math.min(MAX_DURATION, Math.max(DURATION, Math.ceil((PER_CONNECTION * CONNECTIONS) / slowRate)));
    if (duration > DURATION) {
      log(
        `runs last ${duration} s, not ${DURATION} s: the slower side answered ${fmt(slowRate, 2)} requests/s in the warm-up, so a request waits` +
          ` about ${fmt(CONNECTIONS / Math.max(slowRate, 1e-9), 1)} s behind the other connections' and a ${DURATION} s run would complete next to nothing`,
      );
    }
    log(`${ROUNDS} rounds of ${duration} s per gateway, A and B interleaved`);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
        const result = check(side.name, await run(side, duration));
        side.runs.push(result);
        log(
          `round ${round}/${ROUNDS} ${side.name.padEnd(13)} ${fmt(result.requests.average).padStart(7)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  (${result.requests.total} responses)`,
        );
      }
    }

    // ---- report ----------------------------------------------------------------------------------
    const [A, B] = sides as [Side, Side];
    const rps = (s: Side) => mean(s.runs.map((r) => r.requests.average));
    const p50 = (s: Side) => mean(s.runs.map((r) => r.latency.p50));
    const p99 = (s: Side) => mean(s.runs.map((r) => r.latency.p99));
    const range = (s: Side) =>
      `${fmt(Math.min(...s.runs.map((r) => r.requests.average)))}–${fmt(Math.max(...s.runs.map((r) => r.requests.average)))}`;
    const total = (s: Side) => s.runs.reduce((n, r) => n + r.requests.total, 0);
    const throughputRatio = rps(A) / rps(B);
    const p99Ratio = p99(A) / p99(B);
    const rows: [string, string, string, string][] = [
      [`requests/s (mean of ${ROUNDS} rounds)`, fmt(rps(A)), fmt(rps(B)), fmt(throughputRatio, 2)],
      ["requests/s, slowest–fastest round", range(A), range(B), ""],
      ["latency p50, ms (mean of rounds)", fmt(p50(A)), fmt(p50(B)), fmt(p50(A) / p50(B), 2)],
      ["latency p99, ms (mean of rounds)", fmt(p99(A)), fmt(p99(B)), fmt(p99Ratio, 2)],
      ["one request at a time: wall, ms (median)", fmt(alone.A.wallMs), fmt(alone.B.wallMs), fmt(alone.A.wallMs / alone.B.wallMs, 2)],
      ["one request at a time: CPU, ms (median)", fmt(alone.A.cpuMs), fmt(alone.B.cpuMs), fmt(alone.A.cpuMs / alone.B.cpuMs, 2)],
      ["SQL statements per request", String(A.statements), String(B.statements), ""],
      ["response size", fmtBytes(A.bytes), fmtBytes(B.bytes), ""],
      [
        "requests measured (non-2xx, errors)",
        `${total(A)} (${sum(A, "non2xx")}, ${sum(A, "errors")})`,
        `${total(B)} (${sum(B, "non2xx")}, ${sum(B, "errors")})`,
        "",
      ],
    ];
    const table = ["| | guarded (A) | unguarded (B) | A / B |", "|---|---:|---:|---:|", ...rows.map((r) => `| ${r.join(" | ")} |`)].join(
      "\n",
    );
    const verdict = `Guarded throughput is ${fmt(throughputRatio, 2)} x unguarded (target >= ${TARGET}): ${throughputRatio >= TARGET ? "met" : "NOT met"}; p99 is ${fmt(p99Ratio, 2)} x.`;
    console.log("");
    console.log(table);
    console.log("");
    console.log(verdict);

    if (process.env.BENCH_NO_WRITE !== "1") {
      const cpu = cpus();
      const md = `# Benchmark: the cost of privacy enforcement (\`npm run bench:policy\`)

${machineHeader(pg.version)}
- guarded side's rule executor: \`${EXECUTOR}\` (see src/enforcement/applyRuleTree.ts)
- database: ${CUSTOMERS} customers, seed ${SEED}; one pool of ${config.databasePoolSize} connections shared by both gateways
- workload: one page of ${PAGE} customers with every personal field \`customer_support\` may select
  (${workload.personal.length} personal coordinates; visits(first: ${VISITS})), as a \`${ROLE}\`, purpose \`${PURPOSE}\`.
  Left out because the static check would reject the whole operation: ${workload.excluded.map((e) => `\`${e.coordinate}\``).join(", ") || "none"}.
- guarded answer: ${privacy.masked.length} of ${workload.personal.length} selected personal coordinates masked (${fmt(100 * maskedShare)} %;
  ${maskedCells} of ${personalCells} personal cells), ${withheldErrors} cells withheld ${JSON.stringify(withheldReasons)}, no other error.
  The unguarded answer has the same shape${sameShape ? "" : " (NOT quite: see the console output)"}, no errors and no \`extensions.privacy\`
  (${personalCellsB} personal cells). Both sides serve the same ${PAGE} customers, the first active ones by id (\`filter: { status: ACTIVE }\`; the run stops if they differ).
- load: autocannon ${CONNECTIONS} connections, in a separate process, warm-up ${warmup} s per gateway,
  then ${ROUNDS} rounds of ${duration} s per gateway, A and B interleaved (order alternating by round).${
    duration > DURATION
      ? `
  Runs were lengthened from ${DURATION} s to allow about ${PER_CONNECTION} answers per connection on the slower side at its warm-up rate
  (${fmt(slowRate, 2)} requests/s, so a request waits about ${fmt(CONNECTIONS / Math.max(slowRate, 1e-9), 1)} s at ${CONNECTIONS} connections):
  a ${DURATION} s run would complete next to nothing, and autocannon drops the requests in flight when a run ends.
  Before each run the previous one's abandoned requests were left to finish.`
      : ""
  }
  p50 and p99 are means of the per-round percentiles. "One request at a time": ${SEQUENTIAL} requests per gateway,
  alternating, after the warm-up; CPU is this process's user+system time (the gateway, plus \`fetch\` reading the answer).

${table}

${verdict}

<details><summary>The operation (generated by bench/policyWorkload.ts)</summary>

\`\`\`graphql
${workload.query}
\`\`\`
</details>

(A) \`createEnforcedGateway\`: the rule tree on every field (through the guards, or graphql-shield's
executor with \`BENCH_EXECUTOR=shield\`), value transforms, purpose, limits, static check, GPC,
metrics and disclosure-log plugins. (B) \`createGateway\` over the bare schema with a pass-through
enforcement (\`bench/unguarded.ts\`): same HTTP handling, authentication, loaders and Apollo options.

**The machines are shared and noisy** (${cpu.length} cores for the gateways, PostgreSQL and the load
generator together, other people's work alongside): read the ratios, not the absolute numbers, and
expect them to move by tens of percent between runs (the guarded side suffers most, since its cost
grows with the number of requests in flight).
`;
      writeResults(RESULTS_FILE, md);
      log(`\nwrote ${RESULTS_FILE}`);
    }
  } finally {
    for (const gateway of gateways.reverse()) await gateway.close().catch((e: unknown) => log(`closing a gateway: ${String(e)}`));
    await database?.close().catch((e: unknown) => log(`closing the database: ${String(e)}`));
    await pg?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function check(name: string, result: AutocannonResult, warmingUp = false): AutocannonResult {
  if (result.requests.total === 0 && !warmingUp) throw new Error(`${name}: autocannon completed no request; raise BENCH_DURATION`);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    log(`warning: ${name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result;
}

function sum(side: Side, key: "non2xx" | "errors"): number {
  return side.runs.reduce((n, r) => n + r[key], 0);
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** Personal leaf values of the same subject that differ between two answers (masked, withheld, pseudonymised). */
function differingCells(schema: GraphQLSchema, a: unknown, b: unknown): { subjects: number; compared: number; differ: number } {
  const dataMap = getDataMap(schema);
  const nodes = (data: unknown) =>
    new Map(((data as Answer["body"]["data"])?.customers?.edges ?? []).map((e) => [e.node.id as string, e.node]));
  const inA = nodes(a);
  const inB = nodes(b);
  const customer = schema.getType("Customer") as GraphQLObjectType;
  let compared = 0;
  let differ = 0;
  let subjects = 0;
  const walk = (x: unknown, y: unknown, type: GraphQLObjectType) => {
    if (x === null || y === null || typeof x !== "object" || typeof y !== "object") return;
    for (const [key, field] of Object.entries(type.getFields())) {
      const xv = (x as Record<string, unknown>)[key];
      const yv = (y as Record<string, unknown>)[key];
      if (xv === undefined && yv === undefined) continue;
      const named = getNamedType(field.type);
      if (isObjectType(named)) {
        if (Array.isArray(xv) && Array.isArray(yv)) xv.forEach((item, i) => walk(item, yv[i], named));
        else walk(xv, yv, named);
      } else if (dataMap.fields.has(`${type.name}.${key}`)) {
        compared++;
        if (JSON.stringify(xv ?? null) !== JSON.stringify(yv ?? null)) differ++;
      }
    }
  };
  for (const [id, node] of inA) {
    const other = inB.get(id);
    if (!other) continue;
    subjects++;
    walk(node, other, customer);
  }
  return { subjects, compared, differ };
}

await main();
