import { median } from "./stats.js";
import type { StatementCounter } from "./statementCounter.js";
import type { SideRequest, Workload } from "./workloads/Workload.js";

/**
 * One request at a time, before the warm-up: SQL statements per request (pg_stat_statements) and
 * the median wall time, which sizes the warm-up (the figures of record come from timeAlone after the warm-up).
 */
export async function statementsAlone(counter: StatementCounter, url: string, request: SideRequest, sequential: Workload["sequential"]) {
  const send = async () => {
    await (await fetch(url, { method: "POST", headers: request.headers, body: JSON.stringify(request.body) })).arrayBuffer();
  };
  for (let i = 0; i < sequential.uncounted; i++) await send(); // connections opened, types fetched
  await counter.reset();
  const wall: number[] = [];
  for (let i = 0; i < sequential.counted; i++) {
    const started = performance.now();
    await send();
    wall.push(performance.now() - started);
  }
  const byStatement = (await counter.byStatement()).map((r) => ({ query: r.query, perRequest: r.calls / sequential.counted }));
  return { statements: (await counter.count()) / sequential.counted, byStatement, coldMs: median(wall) };
}
