/**
 * `npm run bench:report-memory`: the subject access report's memory, by the size of the subject.
 *
 * One throwaway PostgreSQL server (bench/postgres.ts, port BENCH_REPORT_PG_PORT, default 55580),
 * a small demo seed, and three synthetic subjects (test/dsr/heavySubject.ts) holding 1,000,
 * 10,000 and 100,000 visits (plus a few purchases, messages and cards). For each, a verified
 * access request is filed through the API, then a fresh child process starts the real gateway
 * (createEnforcedGateway: the same decisions, transforms and disclosure log as production) and
 * walks the whole report over HTTP, page after page (`accessReport(first, after)`), sampling its
 * own RSS and V8 heap every 5 ms. Peaks are per child, so one size does not inherit another's heap.
 * Flat peaks across sizes mean the report is held a page at a time, not a subject at a time.
 *
 * Prints a table and writes bench/RESULTS-report-memory.md (BENCH_NO_WRITE=1 to skip writing).
 * Knobs: BENCH_REPORT_SIZES (1000,10000,100000), BENCH_REPORT_PAGE (rows per page; the API default, 500).
 */
import "reflect-metadata";
import { spawn } from "node:child_process";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { createDatabase } from "../src/db/client.js";
import { profiles } from "../src/db/schema/index.js";
import { seed } from "../src/db/seed/seed.js";
import { REPORT_PAGE_ROWS } from "../src/dsr/accessReport.js";
import { loadConfig } from "../src/server/config.js";
import { createEnforcedGateway } from "../src/server/createEnforcedGateway.js";
import { createLogger } from "../src/server/logger.js";
import { insertSubject } from "../test/dsr/heavySubject.js";
import { envInt } from "./envInt.js";
import { machineHeader } from "./machineHeader.js";
import { startPostgres } from "./postgres.js";
import { signBenchToken } from "./signBenchToken.js";
import { fmt, fmtBytes } from "./stats.js";
import { writeResults } from "./writeResults.js";

const PAGE = envInt("BENCH_REPORT_PAGE", REPORT_PAGE_ROWS);
const SIZES = (process.env.BENCH_REPORT_SIZES ?? "1000,10000,100000").split(",").map(Number);
const PORT = envInt("BENCH_REPORT_PG_PORT", 55580);
/** Old-space cap (MiB) of the second walk of each subject. */
const HEAP_CAP = envInt("BENCH_REPORT_HEAP_CAP", 96);
const RESULTS_FILE = fileURLToPath(new URL("./RESULTS-report-memory.md", import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const OFFICER = "bench-privacy-officer";

const REPORT = `query Report($id: ID!, $first: Int!, $after: String) { accessReport(requestId: $id, first: $first, after: $after) {
  sections { table rows } entries { coordinate table rowId value withheld effect reasonCode } pageInfo { hasNextPage endCursor } } }`;

interface Measured {
  visits: number;
  rows: number;
  values: number;
  pages: number;
  seconds: number;
  baseRss: number;
  peakRss: number;
  baseHeap: number;
  peakHeap: number;
  /** Heap used after the walk and a full collection: what the report left behind. */
  afterHeap: number;
}

/** Child: a gateway over the database; walks the report of one request and reports its peaks as JSON. */
async function measure(url: string, requestId: string, visits: number): Promise<Measured> {
  const database = await createDatabase({ url, poolSize: 5 });
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1" });
  const quiet = createLogger({ level: "warn", destination: new Writable({ write: (_c, _e, done) => done() }) });
  const gateway = await createEnforcedGateway({ config, database, logger: quiet });
  const endpoint = await gateway.listen();
  const headers = {
    "content-type": "application/json",
    authorization: `Bearer ${await signBenchToken(config, "privacy_officer", OFFICER)}`,
    "x-purpose": "subject_request",
  };
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 5);
  const started = performance.now();
  let after: string | null = null;
  let pages = 0;
  let values = 0;
  const rows = new Set<string>();
  for (;;) {
    const res = await fetch(endpoint, {
      method: "POST",
      headers,
      body: JSON.stringify({ query: REPORT, variables: { id: requestId, first: PAGE, after } }),
    });
    const body = (await res.json()) as {
      data?: {
        accessReport: { entries: { table: string; rowId: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      };
      errors?: unknown[];
    };
    if (!body.data || body.errors) throw new Error(`report page failed: ${JSON.stringify(body.errors).slice(0, 300)}`);
    const page = body.data.accessReport;
    pages++;
    values += page.entries.length;
    for (const e of page.entries) if (e.table === "visits") rows.add(e.rowId);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (rows.size !== visits) throw new Error(`the report held ${rows.size} visits, not ${visits}`);
  rows.clear();
  global.gc?.();
  const afterHeap = process.memoryUsage().heapUsed;
  await gateway.close();
  await database.close();
  return { visits, rows: rows.size, values, pages, seconds, baseRss: base.rss, peakRss, baseHeap: base.heapUsed, peakHeap, afterHeap };
}

/**
 * Runs `measure` in a fresh Node process (tsx), so that each size starts from the same heap;
 * with `heapCap`, V8's old space is capped at that many MiB (a report held whole would not fit).
 */
function inChild(url: string, requestId: string, visits: number, heapCap?: number): Promise<Measured> {
  const flags = ["--import", "tsx", "--expose-gc", ...(heapCap ? [`--max-old-space-size=${heapCap}`] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, SELF, "--measure", url, requestId, String(visits)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += String(chunk);
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`measuring child exited ${code}`)),
    );
  });
}

async function main() {
  const log = (line: string) => console.error(line);
  const pg = await startPostgres({ port: PORT, log });
  try {
    const database = await createDatabase({ url: pg.url, poolSize: 5 });
    await database.migrate();
    await seed(database.db, { customers: 20, seed: 42 });
    const config = loadConfig({ PORT: "0", HOST: "127.0.0.1" });
    const quiet = createLogger({ level: "warn", destination: new Writable({ write: (_c, _e, done) => done() }) });
    const gateway = await createEnforcedGateway({ config, database, logger: quiet });
    const endpoint = await gateway.listen();
    const headers = {
      "content-type": "application/json",
      authorization: `Bearer ${await signBenchToken(config, "privacy_officer", OFFICER)}`,
      "x-purpose": "subject_request",
    };
    const call = async (query: string, variables: Record<string, unknown>) => {
      const body = (await (await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ query, variables }) })).json()) as {
        data?: Record<string, { id: string }>;
        errors?: unknown[];
      };
      if (!body.data || body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 300));
      return body.data;
    };
    const requests: { visits: number; requestId: string }[] = [];
    for (const visits of SIZES) {
      log(`seeding a subject with ${visits} visits`);
      const subject = await insertSubject(database.db, {
        lists: { visits, purchases: 50, messages: 10, paymentMethods: 3, accounts: 2, consents: 5 },
      });
      const filed = await call("mutation($s: ID!) { fileSubjectRequestFor(subjectId: $s, kind: ACCESS) { id } }", { s: subject });
      const [held] = await database.db.select({ email: profiles.email }).from(profiles).where(eq(profiles.customerId, subject));
      await call("mutation($id: ID!, $email: String) { checkSubjectRequestIdentity(id: $id, claims: { email: $email }) { requestId } }", {
        id: filed.fileSubjectRequestFor!.id,
        email: held?.email ?? null,
      });
      await call("mutation($id: ID!) { verifySubjectRequest(id: $id) { id } }", { id: filed.fileSubjectRequestFor!.id });
      requests.push({ visits, requestId: filed.fileSubjectRequestFor!.id });
    }
    await gateway.close();
    await database.close();

    const results: (Measured & { capped: Measured | null })[] = [];
    for (const r of requests) {
      log(`walking the report of ${r.visits} visits in a fresh process, then again with the heap capped at ${HEAP_CAP} MiB`);
      const free = await inChild(pg.url, r.requestId, r.visits);
      const capped = await inChild(pg.url, r.requestId, r.visits, HEAP_CAP).catch((error: unknown) => {
        log(String(error));
        return null;
      });
      results.push({ ...free, capped });
    }
    const table = [
      `| visits | rows in report | values | pages | seconds | RSS at start | peak RSS | heap at start | peak heap | heap after (GC) | heap capped at ${HEAP_CAP} MiB: peak heap, peak RSS |`,
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
      ...results.map(
        (m) =>
          `| ${m.visits.toLocaleString("en")} | ${(m.visits + 72).toLocaleString("en")} | ${m.values.toLocaleString("en")} | ${m.pages} | ${fmt(m.seconds)} | ${fmtBytes(m.baseRss)} | ${fmtBytes(m.peakRss)} | ${fmtBytes(m.baseHeap)} | ${fmtBytes(m.peakHeap)} | ${fmtBytes(m.afterHeap)} | ${m.capped ? `completes: ${fmtBytes(m.capped.peakHeap)}, ${fmtBytes(m.capped.peakRss)}` : "**failed**"} |`,
      ),
    ].join("\n");
    console.log(table);
    if (process.env.BENCH_NO_WRITE !== "1") {
      writeResults(
        RESULTS_FILE,
        [
          "# Subject access report: memory by subject size (`npm run bench:report-memory`)",
          "",
          machineHeader(pg.version),
          "",
          `The whole report of one subject, walked over HTTP page by page (\`accessReport(first: ${PAGE}, after)\`) by a privacy officer`,
          "under `subject_request`, through the real gateway (decisions, masks, disclosure log), each size in a fresh process.",
          "Besides its visits, each subject holds 50 purchases, 10 messages, 5 consent events, 3 cards, 2 accounts, a profile and",
          "preferences (72 rows). Peaks are sampled every 5 ms (RSS and V8 heap used) in the process serving the report;",
          '"heap after" is read after the walk and a full collection (`--expose-gc`). The last column walks the same report',
          `again in a process whose old space is capped at ${HEAP_CAP} MiB (\`--max-old-space-size\`): a report held whole could not finish.`,
          "",
          table,
          "",
          "How to read it: the subject's size shows in the number of pages and in the time, not in memory. A page holds",
          `${PAGE} rows (about ${PAGE * 8} values) through GraphQL execution, the field guards and the disclosure record; the peak is`,
          "that page plus the garbage V8 lets accumulate before collecting, which levels off once a walk is a few pages long",
          "(the 1,000-visit subject ends after a few pages, before the heap has grown to its working size); under a cap, V8",
          "collects sooner and the walk of 100,000 visits fits in the same heap as that of 1,000. Nothing is",
          "retained between pages: the heap after the walk is back at its starting level.",
          "",
        ].join("\n"),
      );
      log(`wrote ${RESULTS_FILE}`);
    }
  } finally {
    await pg.stop();
  }
}

if (process.argv[2] === "--measure") {
  const [url, requestId, visits] = process.argv.slice(3);
  measure(url!, requestId!, Number(visits)).then(
    (m) => {
      console.log(JSON.stringify(m));
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
