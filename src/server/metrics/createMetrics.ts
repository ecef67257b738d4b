import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Effect } from "../../policy/matrix.js";
import type { RequestObservation } from "./requestObservation.js";

export type Metrics = ReturnType<typeof createMetrics>;

/** How a request ended: `partial` is a 2xx whose body carries errors (a WITHHELD cell, a NOT_FOUND). */
export type Outcome = "ok" | "partial" | "rejected" | "failed";

export function outcomeOf(status: number, codes: readonly string[]): Outcome {
  if (status >= 500) return "failed";
  if (status >= 400) return "rejected";
  return codes.length > 0 ? "partial" : "ok";
}

/**
 * The gateway's Prometheus metrics, in a registry of its own (not prom-client's global one, so
 * several gateways can live in one process). Labels are closed sets (routes, statuses, stable
 * error codes, purposes, effects): no caller id, no operation name, nothing a client can inflate.
 * Node's process metrics (memory, event loop lag, GC) come along under their usual names.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let policyVersion: (() => string) | null = null;
  const metrics = {
    registry,
    requests: new Counter({
      name: "gateway_requests_total",
      help: "HTTP requests by route, status and outcome (ok, partial, rejected, failed).",
      labelNames: ["route", "status", "outcome"] as const,
      registers,
    }),
    errors: new Counter({
      name: "gateway_errors_total",
      help: "Requests that carried each stable error code (counted once per request and code).",
      labelNames: ["code"] as const,
      registers,
    }),
    duration: new Histogram({
      name: "gateway_request_duration_seconds",
      help: "Time from request arrival to the end of the response, by route.",
      labelNames: ["route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    inFlight: new Gauge({ name: "gateway_requests_in_flight", help: "HTTP requests being served.", registers }),
    statements: new Histogram({
      name: "gateway_sql_statements_per_request",
      help: "SQL statements issued while serving one /graphql request.",
      buckets: [0, 1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    }),
    decisions: new Counter({
      name: "gateway_decisions_total",
      help: "Access decisions applied to answers, one per (request, subject, category) with a value disclosed, masked, pseudonymised or withheld, by declared purpose and effect (allow, mask, pseudonymize, deny). A subject answered as not found counts none, like an unknown id.",
      labelNames: ["purpose", "effect"] as const,
      registers,
    }),
    policy: new Gauge({
      name: "gateway_policy_info",
      help: "The policy this replica decides under: 1, labelled with its version (the policy file's version and content hash).",
      labelNames: ["version"] as const,
      registers,
      collect() {
        this.reset();
        if (policyVersion !== null) this.set({ version: policyVersion() }, 1);
      },
    }),
    disclosureLogFailures: new Counter({
      name: "gateway_disclosure_log_failures_total",
      help: "Disclosure-log writes that failed; each such response was withheld (fail closed).",
      registers,
    }),

    /** Records a finished request: count, outcome, error codes (errorCodes(observation)), latency and, for /graphql, its SQL statements. */
    requestEnded(observation: RequestObservation, status: number, codes: readonly string[]): void {
      metrics.requests.inc({ route: observation.route, status: String(status), outcome: outcomeOf(status, codes) });
      for (const code of codes) metrics.errors.inc({ code });
      metrics.duration.observe({ route: observation.route }, (performance.now() - observation.started) / 1000);
      if (observation.route === "/graphql") metrics.statements.observe(observation.statements);
    },

    /** Reports the version of the policy in force, read at each scrape. */
    servesPolicy(version: () => string): void {
      policyVersion = version;
    },

    /** Adds one request's decision tally (see createRequestEnforcement's decisionTally). */
    decisionsApplied(purpose: string, tally: Readonly<Record<Effect, number>>): void {
      for (const effect of Object.keys(tally) as Effect[]) {
        if (tally[effect] > 0) metrics.decisions.inc({ purpose, effect }, tally[effect]);
      }
    },
  };
  return metrics;
}
