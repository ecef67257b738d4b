import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { delta, parsePrometheus, series, type Samples } from "../helpers/prometheus.js";

/** GET /metrics over real HTTP: counters move by what known requests did (src/server/metrics/). */

const METRICS_TOKEN = "scraper-token-0123456789";

let gw: TestGateway;
let guarded: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 40 });
  guarded = await startTestGateway({ customers: 5, env: { METRICS_TOKEN } });
});
afterAll(async () => {
  await gw?.close();
  await guarded?.close();
});

const at = (g: TestGateway, path: string) => new URL(path, g.url).toString();

async function scrape(g: TestGateway = gw, headers: Record<string, string> = {}): Promise<Samples> {
  const res = await fetch(at(g, "/metrics"), { headers });
  expect(res.status).toBe(200);
  return parsePrometheus(await res.text());
}

const SUPPORT_PAGE = `query SupportPage($first: Int!) @purpose(name: CUSTOMER_SUPPORT) {
  customers(first: $first) { edges { node { id profile { fullName address { city } } } } } }`;
const ANALYTICS_PAGE = `query AnalyticsPage @purpose(name: ANALYTICS) { customers(first: 5) { edges { node { id profile { email } } } } }`;

type Node = { id: string; profile: { fullName?: string | null; email?: string | null; address?: { city: string | null } | null } | null };
const nodes = (body: any): Node[] => body.data.customers.edges.map((e: { node: Node }) => e.node);

describe("GET /metrics", () => {
  it("answers in Prometheus text format with the gateway's series and Node's process metrics", async () => {
    const res = await fetch(at(gw, "/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      "gateway_requests_total",
      "gateway_errors_total",
      "gateway_request_duration_seconds",
      "gateway_requests_in_flight",
      "gateway_sql_statements_per_request",
      "gateway_decisions_total",
      "gateway_disclosure_log_failures_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
    ])
      expect(text, name).toContain(`# TYPE ${name} `);
  });

  it("counts requests by route, status and outcome, error codes once per request, and latency", async () => {
    const token = await gw.token("support_agent");
    const before = await scrape();
    const ok = await gw.post({ query: SUPPORT_PAGE, variables: { first: 3 } }, bearer(token));
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    const anonymous = await gw.post({ query: "{ __typename }" });
    expect(anonymous.status).toBe(401);
    const forbidden = await gw.post(
      { query: `query @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { edges { node { profile { socialHandle } } } } }` },
      bearer(token),
    );
    expect(forbidden.status).toBe(403);
    const missing = await fetch(at(gw, "/no-such-route"));
    expect(missing.status).toBe(404);
    const after = await scrape();

    const requests = (route: string, status: string, outcome: string) =>
      delta(before, after, "gateway_requests_total", { route, status, outcome });
    expect(requests("/graphql", "200", "ok")).toBe(1);
    expect(requests("/graphql", "401", "rejected")).toBe(1);
    expect(requests("/graphql", "403", "rejected")).toBe(1);
    expect(requests("other", "404", "rejected")).toBe(1);
    expect(delta(before, after, "gateway_errors_total", { code: "UNAUTHENTICATED" })).toBe(1);
    expect(delta(before, after, "gateway_errors_total", { code: "FORBIDDEN" })).toBe(1);
    expect(delta(before, after, "gateway_errors_total", { code: "ROUTE_NOT_FOUND" })).toBe(1);
    // The first scrape is counted once it has been answered, so the second one sees it.
    expect(requests("/metrics", "200", "ok")).toBe(1);
    expect(delta(before, after, "gateway_request_duration_seconds_count", { route: "/graphql" })).toBe(3);
    expect(delta(before, after, "gateway_request_duration_seconds_sum", { route: "/graphql" })).toBeGreaterThan(0);
    expect(delta(before, after, "gateway_request_duration_seconds_bucket", { route: "/graphql", le: "+Inf" })).toBe(3);
    expect(after.get(series("gateway_requests_in_flight"))).toBe(1); // the scrape itself
  });

  it("counts partial answers (a 200 carrying errors) apart from clean ones", async () => {
    const token = await gw.token("support_agent");
    const before = await scrape();
    const res = await gw.post({ query: `query @purpose(name: CUSTOMER_SUPPORT) { customers(first: 0) { totalCount } }` }, bearer(token));
    expect(res.status).toBe(200);
    expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const after = await scrape();
    expect(delta(before, after, "gateway_requests_total", { route: "/graphql", status: "200", outcome: "partial" })).toBe(1);
    expect(delta(before, after, "gateway_errors_total", { code: "BAD_USER_INPUT" })).toBe(1);
  });

  it("counts decisions by purpose and effect: allow and mask for support, pseudonymize for analytics", async () => {
    const before = await scrape();
    const support = await gw.post({ query: SUPPORT_PAGE, variables: { first: 6 } }, bearer(await gw.token("support_agent")));
    const analytics = await gw.post({ query: ANALYTICS_PAGE }, bearer(await gw.token("marketing_analyst")));
    expect(support.status).toBe(200);
    expect(analytics.status).toBe(200);
    const after = await scrape();
    const decisions = (purpose: string, effect: string) => delta(before, after, "gateway_decisions_total", { purpose, effect });
    // One decision per (request, subject, category) at least for each category read.
    const named = nodes(support.body).filter((n) => n.profile?.fullName != null).length;
    const addressed = nodes(support.body).filter((n) => n.profile?.address != null).length;
    const emailed = nodes(analytics.body).filter((n) => n.profile?.email != null).length;
    expect(named).toBeGreaterThan(0);
    expect(addressed).toBeGreaterThan(0);
    expect(emailed).toBeGreaterThan(0);
    expect(decisions("customer_support", "allow")).toBeGreaterThanOrEqual(named);
    expect(decisions("customer_support", "mask")).toBeGreaterThanOrEqual(addressed);
    expect(decisions("analytics", "pseudonymize")).toBeGreaterThanOrEqual(emailed);
    // Support never pseudonymises (DESIGN.md's matrix): the counter is not just moving everywhere.
    expect(decisions("customer_support", "pseudonymize")).toBe(0);
    expect(decisions("analytics", "allow") + decisions("analytics", "mask")).toBe(0);
  });

  it("attributes every SQL statement to the request that issued it, also under concurrency", async () => {
    const token = await gw.token("support_agent");
    const before = await scrape();
    const statementsBefore = gw.database.statements;
    const sizes = [1, 2, 3, 5, 8, 13, 2, 4];
    const results = await Promise.all(sizes.map((first) => gw.post({ query: SUPPORT_PAGE, variables: { first } }, bearer(token))));
    for (const r of results) expect(r.status).toBe(200);
    const anonymous = await gw.post({ query: "{ __typename }" });
    expect(anonymous.status).toBe(401);
    const issued = gw.database.statements - statementsBefore;
    const after = await scrape();
    expect(issued).toBeGreaterThan(sizes.length);
    expect(delta(before, after, "gateway_sql_statements_per_request_count")).toBe(sizes.length + 1);
    expect(delta(before, after, "gateway_sql_statements_per_request_sum")).toBe(issued);
    // The request refused before execution issued none.
    expect(delta(before, after, "gateway_sql_statements_per_request_bucket", { le: "0" })).toBe(1);
  });

  it("counts a failed disclosure-log write (the response is withheld)", async () => {
    const token = await gw.token("support_agent");
    const before = await scrape();
    await gw.database.db.execute(sql`alter table disclosure_events rename to disclosure_events_away`);
    try {
      const res = await gw.post({ query: SUPPORT_PAGE, variables: { first: 2 } }, bearer(token));
      expect(res.status).toBe(503);
      expect(res.body.errors[0].extensions.code).toBe("DISCLOSURE_NOT_RECORDED");
    } finally {
      await gw.database.db.execute(sql`alter table disclosure_events_away rename to disclosure_events`);
    }
    const ok = await gw.post({ query: SUPPORT_PAGE, variables: { first: 2 } }, bearer(token));
    expect(ok.status).toBe(200);
    const after = await scrape();
    expect(delta(before, after, "gateway_disclosure_log_failures_total")).toBe(1);
    expect(delta(before, after, "gateway_requests_total", { route: "/graphql", status: "503", outcome: "failed" })).toBe(1);
    expect(delta(before, after, "gateway_errors_total", { code: "DISCLOSURE_NOT_RECORDED" })).toBe(1);
  });

  it("keeps one registry per gateway: another gateway's traffic does not move this one's counters", async () => {
    const headers = bearer(`${METRICS_TOKEN}`);
    const before = await scrape(guarded, headers);
    const mine = await scrape();
    for (let i = 0; i < 3; i++) expect((await gw.post({ query: "{ __typename }" })).status).toBe(401);
    const after = await scrape(guarded, headers);
    expect(delta(before, after, "gateway_errors_total", { code: "UNAUTHENTICATED" })).toBe(0);
    expect(delta(mine, await scrape(), "gateway_errors_total", { code: "UNAUTHENTICATED" })).toBe(3);
  });
});

describe("who may scrape", () => {
  it("with METRICS_TOKEN set, answers only a bearer of that token", async () => {
    for (const headers of [{}, bearer("wrong-token-0123456789"), bearer(`${METRICS_TOKEN}x`), { authorization: METRICS_TOKEN }]) {
      const res = await fetch(at(guarded, "/metrics"), { headers });
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
      expect(JSON.stringify(body)).not.toContain("gateway_");
    }
    expect((await fetch(at(guarded, "/metrics"), { headers: bearer(METRICS_TOKEN) })).status).toBe(200);
  });

  it("with METRICS=off, there is no /metrics route", async () => {
    const off = await startTestGateway({ customers: 2, env: { METRICS: "off" } });
    try {
      const res = await fetch(at(off, "/metrics"));
      expect(res.status).toBe(404);
      expect((await res.json()).errors[0].extensions.code).toBe("ROUTE_NOT_FOUND");
    } finally {
      await off.close();
    }
  });

  it("refuses other methods than GET and HEAD", async () => {
    const res = await fetch(at(gw, "/metrics"), { method: "POST", body: "x" });
    expect(res.status).toBe(405);
    expect((await res.json()).errors[0].extensions.code).toBe("METHOD_NOT_ALLOWED");
  });
});
