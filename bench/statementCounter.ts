/**
 * SQL statements the server executed, counted by PostgreSQL itself (pg_stat_statements), so
 * that the gateways, PostGraphile and the raw-SQL server are counted the same way: every
 * top-level statement, transaction control (BEGIN, COMMIT, SET) included. The server must load
 * the library (`shared_preload_libraries = pg_stat_statements`). This counter's own statements
 * are left out.
 */
import postgres from "postgres";

export interface StatementCounter {
  reset(): Promise<void>;
  /** Statements executed since the last reset. */
  count(): Promise<number>;
  /** The same, per normalised statement text (pg_stat_statements replaces constants with $n). */
  byStatement(): Promise<{ query: string; calls: number }[]>;
  close(): Promise<void>;
}

export async function createStatementCounter(databaseUrl: string): Promise<StatementCounter> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await sql`create extension if not exists pg_stat_statements`;
  return {
    reset: async () => {
      await sql`select pg_stat_statements_reset()`;
    },
    count: async () => {
      const [row] = await sql<{ n: string | null }[]>`
        select sum(calls)::text as n from pg_stat_statements where query not ilike '%pg_stat_statements%'`;
      return Number(row?.n ?? 0);
    },
    byStatement: async () => {
      const rows = await sql<{ query: string; calls: string }[]>`
        select query, calls::text as calls from pg_stat_statements where query not ilike '%pg_stat_statements%' order by calls desc, query`;
      return rows.map((r) => ({ query: r.query.replace(/\s+/g, " ").trim(), calls: Number(r.calls) }));
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
