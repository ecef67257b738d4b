/**
 * A benchmark workload: one request per side that can express it, and how to read its answer.
 * The guarded and unguarded gateways get the same request; PostGraphile gets its own dialect of
 * the same read; the raw-SQL server a JSON body naming what to fetch (bench/rawSql.ts).
 */
export type SideName = "guarded" | "unrecorded" | "unguarded" | "apolloFloor" | "postgraphile" | "rawSql";

export interface SideRequest {
  /** Appended to the raw-SQL server's base URL (`/profile`); the GraphQL servers ignore it. */
  path?: string;
  headers: Record<string, string>;
  body: unknown;
  /**
   * Rows of the answer that matter (customers, accounts, report entries): compared across sides
   * so that a side answering with less cannot look faster. Throws when the answer is not usable.
   */
  items(data: unknown): number;
}

export interface Workload {
  key: "profile" | "page" | "lookup" | "report";
  title: string;
  /** Who asks, for what purpose, and what the guarded side does to the values. */
  description: string;
  /** autocannon connections: fewer for a heavy request, so a run completes enough of them. */
  connections: number;
  /** Responses per connection a run should allow on the slowest side (runs are lengthened to fit). */
  perConnection: number;
  /** One-at-a-time requests per side before the load: the first `uncounted` open connections, the rest are timed and their statements counted. */
  sequential: { uncounted: number; counted: number };
  /** Sent to both gateways. */
  gateway: SideRequest;
  postgraphile?: SideRequest;
  rawSql?: SideRequest;
}

/** `data.<path>` of an answer, or an error naming the missing step. */
export function at(data: unknown, ...path: (string | number)[]): unknown {
  let value = data;
  for (const step of path) {
    if (value === null || typeof value !== "object") throw new Error(`answer has no ${path.join(".")}`);
    value = (value as Record<string | number, unknown>)[step];
  }
  if (value === undefined || value === null) throw new Error(`answer has no ${path.join(".")}`);
  return value;
}

export function list(data: unknown, ...path: (string | number)[]): unknown[] {
  const value = at(data, ...path);
  if (!Array.isArray(value)) throw new Error(`${path.join(".")} is not a list`);
  return value;
}

export const json = { "content-type": "application/json" };
