/**
 * The plans of what one request runs: the statements a request sends, caught in the server's log
 * with the parameters they were sent with (`log_statement = all` for the length of the request),
 * each then run again under `EXPLAIN (ANALYZE, BUFFERS)` in a transaction rolled back (the log's
 * inserts and the rate limiter's updates leave nothing behind). A sequential scan of a relation of
 * more than LARGE_RELATION rows is flagged. The parameters are written into the text as the log
 * quotes them, so that plan is the custom plan for those values; the gateway prepares its statements,
 * and after five executions PostgreSQL may run a prepared statement on its generic plan instead, so
 * the generic plan is shown too (`plan_cache_mode = force_generic_plan`, EXPLAIN without ANALYZE).
 */
import { readFileSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { executedStatements } from "./executedStatements.js";

/** Rows (pg_class.reltuples) from which a sequential scan is flagged. */
export const LARGE_RELATION = 10_000;

export interface ExplainedStatement {
  /** The statement as the gateway sent it, `$n` for its parameters. */
  query: string;
  /** EXPLAIN (ANALYZE, BUFFERS) with the request's parameters, or why it could not be had. */
  plan: string;
  /** EXPLAIN of the generic plan, or why it could not be had. */
  genericPlan: string;
  /** Large relations read by a sequential scan in either plan: `name (rows)`. */
  seqScans: string[];
}

const EXPLAINABLE = /^\s*(select|insert|update|delete|with)\b/i;

export async function explainRequest(databaseUrl: string, logFile: string, send: () => Promise<void>): Promise<ExplainedStatement[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ pid } = { pid: "" }] = await sql<{ pid: string }[]>`select pg_backend_pid()::text as pid`;
    await sql`alter system set log_statement = 'all'`;
    await sql`select pg_reload_conf()`;
    await sleep(500); // backends read the configuration between statements
    const offset = statSync(logFile).size;
    try {
      await send();
    } finally {
      await sql`alter system reset log_statement`;
      await sql`select pg_reload_conf()`;
    }
    const text = readFileSync(logFile, "utf8").slice(offset);
    const explained: ExplainedStatement[] = [];
    for (const { query, literals } of executedStatements(text, pid).filter((s) => EXPLAINABLE.test(s.query))) {
      const bound = query.replace(/\$(\d+)/g, (whole, n: string) => literals[Number(n) - 1] ?? whole);
      const plan = await explainRolledBack(sql, `explain (analyze, buffers) ${bound}`);
      const genericPlan = await explainRolledBack(
        sql,
        `explain execute bench_explained${literals.length ? `(${Array.from(literals, (l) => l ?? "NULL").join(", ")})` : ""}`,
        [`set local plan_cache_mode = force_generic_plan`, `prepare bench_explained as ${query}`],
      );
      await sql.unsafe("deallocate bench_explained").catch(() => {}); // a prepared statement outlives its transaction
      explained.push({ query, plan, genericPlan, seqScans: [...new Set(await largeSeqScans(sql, `${plan}\n${genericPlan}`))] });
    }
    return explained;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

class RolledBack extends Error {}

/** EXPLAIN's text, `before` run first, all in a transaction rolled back; or why it could not be had. */
async function explainRolledBack(sql: postgres.Sql, explain: string, before: string[] = []): Promise<string> {
  let plan = "";
  try {
    await sql.begin(async (tx) => {
      for (const statement of before) await tx.unsafe(statement);
      const rows = await tx.unsafe<{ "QUERY PLAN": string }[]>(explain);
      plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) return `(could not EXPLAIN: ${(error as Error).message})`;
  }
  return plan;
}

async function largeSeqScans(sql: postgres.Sql, plan: string): Promise<string[]> {
  const found: string[] = [];
  for (const [, relation] of plan.matchAll(/Seq Scan on (\S+)/g)) {
    const [row] = await sql<{ rows: number }[]>`select reltuples::float8 as rows from pg_class where relname = ${relation!}`;
    if (row && row.rows > LARGE_RELATION) found.push(`${relation} (${Math.round(row.rows).toLocaleString("en-US")} rows)`);
  }
  return found;
}
