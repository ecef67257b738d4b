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
  close(): Promise<void>;
}

export async function createStatementCounter(databaseUrl: string): Promise<StatementCounter> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await sql`create extension if not exists pg_stat_statements`;
  return {
    reset: async () => { await sql`select pg_stat_statements_reset()`; },
    count: async () => {
      const [row] = await sql<{ n: string | null }[]>`
        select sum(calls)::text as n from pg_stat_statements where query not ilike '%pg_stat_statements%'`;
      return Number(row?.n ?? 0);
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
