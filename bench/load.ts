/**
 * `npm run load`: the gateway under mixed traffic, with nothing leaked or lost.
 *
 * 1. A throwaway PostgreSQL server (bench/postgres.ts) on loopback, migrated and seeded with the
 *    demo seed (LOAD_CUSTOMERS customers); partner grants' rate limits raised out of the way.
 * 2. The gateway as `npm start` runs it (src/server/main.ts) in a process of its own, logging at
 *    info to a file, introspection and the landing page off as in production, memory sampled over
 *    IPC after a full GC (bench/load/startGatewayProcess.ts); LOAD_REPLICAS such processes on
 *    consecutive ports, all on the one PostgreSQL server. Through the API (the first replica), the
 *    privacy office registers one persisted lookup for Northwind Rewards and holds it to that
 *    allowlist. The partner rate limit is checked to be one count for all replicas
 *    (bench/load/checkSharedRateLimit.ts, Fabrikam's grant).
 * 3. One bounded autocannon run per replica (programmatic, LOAD_SECONDS, LOAD_CONNECTIONS spread
 *    over the replicas, loopback only), all taking turns in one schedule
 *    cycling through the mix of bench/load/traffic.ts: customers on `me`, partners on lookups (by
 *    text, and by persisted hash), staff on pages and a disclosure-log report, and a share of
 *    hostile requests (too deep, alias flood, unknown field, bad JSON, an unlisted operation).
 *    Every request carries its own `x-request-id`; every answer is parsed for its error codes and
 *    the subjects it read.
 * 4. SIGTERM to every replica (each finishes what is in flight), then the checks: no 5xx, every
 *    hostile request refused 4xx, exactly one disclosure record per (request, subject) read and
 *    none else, whichever replica served it (bench/load/checkDisclosures.ts), the rate limit shared,
 *    each replica's memory flat (median heap and RSS of the last third of the samples within
 *    LOAD_MEMORY_TOLERANCE of the first third's), each replica's exit code 0. Exit 1 when a target
 *    is missed.
 *
 * Knobs (environment): LOAD_SECONDS (30), LOAD_WARMUP_SECONDS (5), LOAD_CONNECTIONS (8), LOAD_CUSTOMERS (2000),
 * LOAD_PG_PORT (55540), LOAD_PORT (55541: the first replica's; the others take the next ports), LOAD_REPLICAS (1),
 * LOAD_SAMPLE_SECONDS (2), LOAD_MEMORY_TOLERANCE percent (10).
 */
import "reflect-metadata";
import { mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { and, eq, inArray, notInArray } from "drizzle-orm";
import { createDatabase, type DatabaseHandle } from "../src/db/client.js";
import { consentEvents, customers, partnerGrants, partnerLinks } from "../src/db/schema/index.js";
import { seed } from "../src/db/seed/seed.js";
import { createIdScope } from "../src/enforcement/createIdScope.js";
import { MAX_REQUESTS_PER_MINUTE } from "../src/graphql/partner/validatePartnerInput.js";
import { partnerIdentifierScope } from "../src/policy/identifierScope.js";
import type { Purpose } from "../src/policy/purposes.js";
import { loadConfig } from "../src/server/config.js";
import { envInt as env } from "./envInt.js";
import { checkDisclosures } from "./load/checkDisclosures.js";
import { createTally, type Tally } from "./load/createTally.js";
import { checkSharedRateLimit } from "./load/checkSharedRateLimit.js";
import { startGatewayProcess, type GatewayProcess, type MemorySample } from "./load/startGatewayProcess.js";
import { interleave, LOOKUP, trafficKinds, type TrafficKind } from "./load/traffic.js";
import { machineHeader } from "./machineHeader.js";
import { startPostgres, type PostgresServer } from "./postgres.js";
import { signBenchToken } from "./signBenchToken.js";
import { fmt, fmtBytes, median } from "./stats.js";
import { DEFAULT_POLICY } from "../src/policy/index.js";

const SECONDS = env("LOAD_SECONDS", 30);
const CONNECTIONS = env("LOAD_CONNECTIONS", 8);
const CUSTOMERS = env("LOAD_CUSTOMERS", 2000);
const PG_PORT = env("LOAD_PG_PORT", 55540);
const PORT = env("LOAD_PORT", 55541);
const REPLICAS = env("LOAD_REPLICAS", 1);
/** Fabrikam's requests per minute while the shared rate limit is checked. */
const RATE_LIMIT_CHECK = 20;
const SAMPLE_SECONDS = env("LOAD_SAMPLE_SECONDS", 2);
const MEMORY_TOLERANCE = env("LOAD_MEMORY_TOLERANCE", 10) / 100;
/** Customers given a token (cycled through by `me` and the customer-side hostile requests). */
const CUSTOMER_TOKENS = 500;
const WARMUP = env("LOAD_WARMUP_SECONDS", 5);
const RUN = Date.now().toString(16);
/** Request ids (`x-request-id`: hex, the only free form the gateway keeps) of the warm-up and of the measured run. */
const PREFIX = { warmup: `${RUN}0`, run: `${RUN}1` };

const log = (line: string) => console.error(line);

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const counts = (map: Map<string | number, number>) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");

/** Posts one operation as the privacy office (setup only). */
async function asPrivacyOffice(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (res.status !== 200 || body.errors) throw new Error(`setup operation failed: HTTP ${res.status} ${JSON.stringify(body.errors)}`);
  return body.data!;
}

/** What the report reads of the autocannon runs, summed over the replicas. */
interface LoadResult {
  duration: number;
  requestsPerSecond: number;
  errors: number;
  timeouts: number;
}

/**
 * One autocannon run per replica, at once, LOAD_CONNECTIONS spread over them. A single request
 * definition whose setupRequest takes the next kind from one schedule shared by every connection
 * of every run, so that the mix holds at every moment (autocannon would otherwise walk each
 * connection through a request list from the same start, in step).
 */
async function runLoad(urls: string[], kinds: TrafficKind[], tally: Tally, seconds: number): Promise<LoadResult> {
  const schedule = interleave(kinds);
  let turn = 0;
  const request = (path: string): autocannon.Request => ({
    method: "POST",
    path,
    setupRequest: (req, context) => {
      const kind = schedule[turn++ % schedule.length]!;
      const { headers, body } = kind.next();
      const id = tally.send(kind);
      Object.assign(context, { kind, id, sentAt: performance.now() });
      return { ...req, headers: { ...headers, "x-request-id": id }, body };
    },
    onResponse: (status, body, context) => {
      const { kind, id, sentAt } = context as { kind: TrafficKind; id: string; sentAt: number };
      tally.answer(kind, id, status, body, performance.now() - sentAt);
    },
  });
  const results = await Promise.all(
    urls.map((url, i) => {
      const target = new URL(url);
      const connections = Math.floor(CONNECTIONS / urls.length) + (i < CONNECTIONS % urls.length ? 1 : 0);
      return new Promise<autocannon.Result>((resolve, reject) => {
        autocannon(
          {
            url: target.origin,
            connections: Math.max(1, connections),
            duration: seconds,
            timeout: 30,
            requests: [request(target.pathname)],
          },
          (error, result) => {
            if (error) reject(error);
            else resolve(result);
          },
        );
      });
    }),
  );
  return {
    duration: Math.max(...results.map((r) => r.duration)),
    requestsPerSecond: results.reduce((n, r) => n + r.requests.average, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    timeouts: results.reduce((n, r) => n + r.timeouts, 0),
  };
}

/** Samples the gateway's memory every SAMPLE_SECONDS until stopped. */
function sampleMemory(gateway: GatewayProcess) {
  const samples: MemorySample[] = [];
  const started = performance.now();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const sample = await gateway.sample();
      samples.push({ at: (performance.now() - started) / 1000, ...sample });
      await new Promise((r) => setTimeout(r, SAMPLE_SECONDS * 1000));
    }
  })();
  return {
    samples,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Median of the first and last thirds of the samples, and whether the last stays within the tolerance. */
function flatness(samples: MemorySample[], key: "heapUsed" | "rss") {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const first = median(samples.slice(0, third).map((s) => s[key]));
  const last = median(samples.slice(-third).map((s) => s[key]));
  return { first, last, growth: (last - first) / first, flat: last <= first * (1 + MEMORY_TOLERANCE) };
}

async function main() {
  const started = performance.now();
  let pg: PostgresServer | undefined;
  let database: DatabaseHandle | undefined;
  const gateways: GatewayProcess[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "load."));
  const logFiles = Array.from({ length: REPLICAS }, (_, i) => join(scratch, `gateway-${i + 1}.log`));
  try {
    pg = await startPostgres({ port: PG_PORT, log });
    database = await createDatabase({ url: pg.url, poolSize: 4 });
    await database.migrate();
    const t = performance.now();
    const summary = await seed(database.db, { customers: CUSTOMERS });
    log(`seeded ${summary.rows.customers} customers in ${fmt((performance.now() - t) / 1000)} s`);
    await database.db.update(partnerGrants).set({ requestsPerMinute: MAX_REQUESTS_PER_MINUTE });

    const byKind = (kind: string) => summary.apiKeys.find((k) => k.kind === kind)!;
    const contoso = byKind("service_provider");
    const northwind = byKind("affiliate");
    const fabrikam = byKind("third_party");
    const db = database.db;
    // Subjects each partner may see (linked, or opted in, and residing in a region of its grant), a few it may not.
    const regionsOf = async (partnerId: string) =>
      (await db.select({ regions: partnerGrants.regions }).from(partnerGrants).where(eq(partnerGrants.partnerId, partnerId)))[0]!.regions;
    const linked = (
      await db
        .select({ id: partnerLinks.customerId })
        .from(partnerLinks)
        .innerJoin(customers, eq(customers.id, partnerLinks.customerId))
        .where(and(eq(partnerLinks.partnerId, contoso.partnerId), inArray(customers.residency, await regionsOf(contoso.partnerId))))
    ).map((r) => r.id);
    const unlinked = (
      await db
        .select({ id: customers.id })
        .from(customers)
        .where(notInArray(customers.id, linked))
        .limit(Math.ceil(linked.length / 4))
    ).map((r) => r.id);
    const consented = [
      ...new Set(
        (
          await db
            .select({ id: consentEvents.customerId })
            .from(consentEvents)
            .innerJoin(customers, eq(customers.id, consentEvents.customerId))
            .where(
              and(eq(consentEvents.partnerId, northwind.partnerId), inArray(customers.residency, await regionsOf(northwind.partnerId))),
            )
        ).map((r) => r.id),
      ),
    ];
    const people = await db.select({ id: customers.id }).from(customers).orderBy(customers.id).limit(CUSTOMER_TOKENS);

    const config = loadConfig({ DATABASE_URL: pg.url });
    for (const [i, logFile] of logFiles.entries()) {
      const gateway = await startGatewayProcess({
        env: { DATABASE_URL: pg.url, LOG_LEVEL: "info", INTROSPECTION: "false", LANDING_PAGE: "false" },
        port: PORT + i,
        logFile,
      });
      gateways.push(gateway);
      log(
        `gateway ${i + 1} of ${REPLICAS} (pid ${gateway.pid}) ready at ${gateway.url} after ${fmt((performance.now() - started) / 1000)} s`,
      );
    }
    const urls = gateways.map((g) => g.url);
    const gateway = gateways[0]!;

    const officer = await signBenchToken(config, "privacy_officer", "load-privacy-office");
    // The gateway process runs with the same (development) pseudonym key: a partner's own ids for its subjects.
    const partnerIds = (partnerId: string, purpose: Purpose) =>
      createIdScope(config.pseudonymKey, partnerIdentifierScope(DEFAULT_POLICY, partnerId, purpose));
    const registered = await asPrivacyOffice(
      gateway.url,
      officer,
      "mutation Register($input: RegisterPersistedOperationInput!) @purpose(name: LEGAL_COMPLIANCE) { registerPersistedOperation(input: $input) { sha256Hash } }",
      { input: { partnerId: northwind.partnerId, document: LOOKUP("MARKETING") } },
    );
    await asPrivacyOffice(
      gateway.url,
      officer,
      "mutation Hold($id: ID!) @purpose(name: LEGAL_COMPLIANCE) { setPersistedOperationsOnly(partnerId: $id, enabled: true) { id } }",
      { id: northwind.partnerId },
    );

    const kinds = trafficKinds({
      customers: await Promise.all(people.map(async (p) => ({ id: p.id, token: await signBenchToken(config, "customer", p.id) }))),
      supportToken: await signBenchToken(config, "support_agent", "load-support"),
      marketingToken: await signBenchToken(config, "marketing_analyst", "load-marketing"),
      legalToken: await signBenchToken(config, "legal", "load-legal"),
      lookupPartner: {
        apiKey: contoso.apiKey,
        purpose: "customer_support",
        subjectIds: [...linked, ...unlinked],
        ids: partnerIds(contoso.partnerId, "customer_support"),
      },
      allowlistedPartner: {
        apiKey: northwind.apiKey,
        purpose: "marketing",
        sha256Hash: registered.registerPersistedOperation.sha256Hash,
        subjectIds: consented,
        ids: partnerIds(northwind.partnerId, "marketing"),
      },
    });
    const rateLimit = await checkSharedRateLimit({
      db,
      urls,
      partnerId: fabrikam.partnerId,
      apiKey: fabrikam.apiKey,
      limit: RATE_LIMIT_CHECK,
    });
    log(
      `rate limit: ${rateLimit.ok ? "shared" : "NOT shared"} (${RATE_LIMIT_CHECK} per minute, ${rateLimit.sent} sent in turn to ${REPLICAS} replica(s))`,
    );
    const warmup = createTally(kinds, PREFIX.warmup);
    const tally = createTally(kinds, PREFIX.run);

    log(`warm-up: ${WARMUP} s (not measured; its disclosure records are checked too)`);
    await runLoad(urls, kinds, warmup, WARMUP);
    log(
      `load: ${SECONDS} s, ${CONNECTIONS} connections over ${REPLICAS} replica(s), ${kinds.length} kinds of request; load average ${loadavg()
        .map((l) => fmt(l, 2))
        .join(" ")}`,
    );
    const memory = gateways.map(sampleMemory);
    const result = await runLoad(urls, kinds, tally, SECONDS);
    await Promise.all(memory.map((m) => m.stop()));
    const loadAverage = loadavg()[0]!;
    const exitCodes = await Promise.all(gateways.splice(0).map((g) => g.stop()));

    // ---- checks -------------------------------------------------------------------------------
    const disclosures = await checkDisclosures(db, tally, PREFIX.run);
    const warmupDisclosures = await checkDisclosures(db, warmup, PREFIX.warmup);
    const heaps = memory.map((m) => flatness(m.samples, "heapUsed"));
    const rsses = memory.map((m) => flatness(m.samples, "rss"));
    const levels = new Map<string, number>();
    /** Error lines by message and code (the log holds no values, by contract). */
    const errorLines = new Map<string, number>();
    let logged5xx = 0;
    for (const line of logFiles.flatMap((file) => readFileSync(file, "utf8").split("\n"))) {
      if (!line.startsWith("{")) continue;
      const entry = JSON.parse(line) as {
        level?: number;
        status?: number;
        msg?: string;
        code?: string;
        err?: { name?: string; message?: string };
      };
      const level = entry.level === undefined ? "?" : entry.level >= 50 ? "error" : entry.level >= 40 ? "warn" : "info";
      levels.set(level, (levels.get(level) ?? 0) + 1);
      if (level === "error") {
        const what = `"${entry.msg}" (${[entry.code, entry.err?.name, entry.err?.message].filter(Boolean).join(": ") || "no code"})`;
        errorLines.set(what, (errorLines.get(what) ?? 0) + 1);
      }
      if ((entry.status ?? 0) >= 500) logged5xx++;
    }
    const perKind = tally.kinds();
    const answered = perKind.reduce((n, k) => n + k.answered, 0);
    const fiveXX = perKind.reduce((n, k) => n + [...k.statuses].filter(([s]) => s >= 500).reduce((m, [, c]) => m + c, 0), 0);
    const hostile = perKind.filter((k) => k.kind.hostile);
    const hostileNot4xx = hostile.reduce(
      (n, k) => n + [...k.statuses].filter(([s]) => s < 400 || s >= 500).reduce((m, [, c]) => m + c, 0),
      0,
    );
    const allLatencies = perKind.flatMap((k) => k.latencies);

    // ---- report -------------------------------------------------------------------------------
    const out: string[] = [];
    out.push(
      "## npm run load",
      "",
      machineHeader(pg.version, [
        `${CUSTOMERS} customers`,
        `${REPLICAS} replica(s)`,
        `${CONNECTIONS} connections`,
        `${SECONDS} s after ${WARMUP} s of warm-up`,
        `1-minute load average at the end ${fmt(loadAverage, 2)}`,
      ]),
      "",
    );
    out.push(
      `requests: ${answered} answered in ${result.duration} s = ${fmt(answered / result.duration)} requests/s (autocannon: ${fmt(result.requestsPerSecond)}/s average); ` +
        `connection errors ${result.errors}, timeouts ${result.timeouts}; unanswered at the end ${disclosures.unanswered.requests}`,
    );
    out.push(
      `latency ms (all kinds): p50 ${fmt(percentile(allLatencies, 50))}, p90 ${fmt(percentile(allLatencies, 90))}, p99 ${fmt(percentile(allLatencies, 99))}, max ${fmt(Math.max(...allLatencies))}`,
    );
    out.push("", "| kind | answered | p50 ms | p99 ms | statuses | error codes (answers carrying each) |", "|---|---|---|---|---|---|");
    for (const k of perKind) {
      out.push(
        `| ${k.kind.name} | ${k.answered} | ${fmt(percentile(k.latencies, 50))} | ${fmt(percentile(k.latencies, 99))} | ${counts(k.statuses)} | ${counts(k.codes) || "-"} |`,
      );
    }
    out.push(
      "",
      `disclosure log: ${disclosures.expectedRecords} (request, subject) pairs read, ${disclosures.foundRecords} records found; ` +
        `lost ${disclosures.lost}, unexpected ${disclosures.unexpected}, duplicated ${disclosures.duplicated}, stray ${disclosures.stray}; ` +
        `requests cut at the end ${disclosures.unanswered.requests} left ${disclosures.unanswered.records} records (${disclosures.unanswered.duplicated} duplicated)`,
    );
    for (const [i, m] of memory.entries()) {
      const [heap, rss] = [heaps[i]!, rsses[i]!];
      out.push(
        `gateway ${i + 1} memory (${m.samples.length} samples after GC, every ${SAMPLE_SECONDS} s): heap ${fmtBytes(heap.first)} -> ${fmtBytes(heap.last)} (${fmt(heap.growth * 100)} %), ` +
          `RSS ${fmtBytes(rss.first)} -> ${fmtBytes(rss.last)} (${fmt(rss.growth * 100)} %), first third vs last third, medians`,
      );
    }
    out.push(
      `rate limit (${rateLimit.limit} per minute, ${rateLimit.sent} requests, in turn to each replica): ` +
        rateLimit.perReplica.map((r, i) => `gateway ${i + 1} allowed ${r.allowed}, refused ${r.refused}`).join("; ") +
        `; remaining counted down across replicas: ${rateLimit.remainingInOrder ? "yes" : "no"}`,
    );
    out.push(
      `warm-up: ${warmup.kinds().reduce((n, k) => n + k.answered, 0)} answers; disclosure log lost ${warmupDisclosures.lost}, unexpected ${warmupDisclosures.unexpected}, duplicated ${warmupDisclosures.duplicated}, stray ${warmupDisclosures.stray}`,
    );
    out.push(
      `gateway log: ${counts(levels)}; 5xx logged ${logged5xx}; after SIGTERM: ${exitCodes.map((code, i) => `gateway ${i + 1} ${code === null ? "did not exit within 20 s (killed)" : `exit code ${code}`}`).join(", ")}`,
    );
    if (errorLines.size > 0) out.push(`gateway errors logged: ${counts(errorLines)}`);
    const targets: [string, boolean][] = [
      ["no 5xx", fiveXX === 0 && logged5xx === 0],
      ["every hostile request refused 4xx", hostileNot4xx === 0],
      [
        "one disclosure record per (request, subject), none lost, none extra",
        [disclosures, warmupDisclosures].every(
          (d) => d.lost === 0 && d.unexpected === 0 && d.duplicated === 0 && d.stray === 0 && d.unanswered.duplicated === 0,
        ),
      ],
      ["the partner rate limit is one count for every replica", rateLimit.ok],
      [
        `memory flat (last third within ${MEMORY_TOLERANCE * 100} % of the first)`,
        heaps.every((h) => h.flat) && rsses.every((r) => r.flat),
      ],
      ["every answer parsed, none twice", tally.unreadable() === 0 && tally.answeredTwice() === 0],
      ["every gateway exits 0 on SIGTERM", exitCodes.every((code) => code === 0)],
    ];
    out.push("", ...targets.map(([name, ok]) => `${ok ? "PASS" : "FAIL"} ${name}`));
    out.push("", `total ${fmt((performance.now() - started) / 1000)} s`);
    console.log(out.join("\n"));
    if (targets.some(([, ok]) => !ok)) {
      process.exitCode = 1;
      for (const [i, logFile] of logFiles.entries()) {
        const kept = join(tmpdir(), `load-${RUN}-gateway-${i + 1}.log`);
        renameSync(logFile, kept);
        console.log(`gateway log kept: ${kept}`);
      }
    }
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
    await database?.close();
    await pg?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
