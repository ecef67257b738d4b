/**
 * Fills the disclosure log with `records` records, as a log that has been written for the policy's
 * three years of retention would hold them, generated in SQL.
 *
 * Templates are real: the records the gateway wrote for the requests it has served so far (call
 * this after sending each workload once). Each generated request copies one template request, its
 * caller, role, purpose, policy version and field set per subject, with a new request id, new
 * subjects (spread over all customers; a customer's own reads are about themselves) and a time
 * spread evenly over the last 36 months up to now, the current month's partition included (the
 * one the gateway writes to). Every month has its partition, as a gateway running that long would
 * have made them (src/db/ensureDisclosurePartitions.ts). Written in chunks of
 * CHUNK_RECORDS; ANALYZE after.
 */
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../src/db/client.js";
import { rowsOf } from "../src/db/rowsOf.js";

/** The log's retention (default policy: three years), in months. */
const MONTHS = 36;
const CHUNK_RECORDS = 1_000_000;

export async function fillDisclosureLog(database: DatabaseHandle, records: number, log: (line: string) => void): Promise<void> {
  const { db } = database;
  await db.transaction(async (tx) => {
    const [oldest] = rowsOf<{ first: string }>(
      await tx.execute(
        sql`select (date_trunc('month', now() at time zone 'UTC') - make_interval(months => ${MONTHS}))::date::text as first`,
      ),
    );
    await tx.execute(sql`select disclosure_events_ensure_partitions(${oldest!.first}::date, ${MONTHS + 1})`);

    await tx.execute(sql`
      create temporary table bench_log_templates on commit drop as
      select dense_rank() over (order by request_id) - 1 as template,
             row_number() over (partition by request_id order by customer_id) - 1 as pos,
             caller_kind, caller_id, role, purpose, policy_version, subject_request_id, field_set_id
      from disclosure_events`);
    await tx.execute(sql`create temporary table bench_log_subjects on commit drop as
      select row_number() over (order by id) - 1 as n, id from customers`);
    await tx.execute(sql`create index on bench_log_subjects (n)`);
    await tx.execute(sql`analyze bench_log_templates`);
    await tx.execute(sql`analyze bench_log_subjects`);
    const [shape] = rowsOf<{ templates: number; events: number; subjects: number }>(
      await tx.execute(sql`select (select count(distinct template) from bench_log_templates)::int as templates,
        (select count(*) from bench_log_templates)::int as events, (select count(*) from bench_log_subjects)::int as subjects`),
    );
    if (!shape || shape.templates === 0) throw new Error("no disclosure records to copy: send each workload once first");
    log(`  log templates: ${shape.templates} requests, ${shape.events} records`);

    // Requests per chunk: records per template request on average, rounded up.
    const perChunk = Math.ceil((CHUNK_RECORDS * shape.templates) / shape.events);
    let written = 0;
    for (let first = 0; written < records; first += perChunk) {
      const [result] = rowsOf<{ n: number }>(
        await tx.execute(sql`
          with written as (
            insert into disclosure_events (request_id, customer_id, caller_kind, caller_id, role, purpose, policy_version,
                                           subject_request_id, field_set_id, recorded_at)
            select md5('bench-log/' || r)::uuid::text, s.id, t.caller_kind,
                   case when t.caller_kind = 'customer' then s.id::text else t.caller_id end,
                   t.role, t.purpose, t.policy_version, t.subject_request_id, t.field_set_id,
                   now() - (abs(hashint8(r)) % (${MONTHS} * 30 * 86400)) * interval '1 second'
            from generate_series(${first}::bigint, ${first + perChunk - 1}) r
            join bench_log_templates t on t.template = r % ${shape.templates}
            join bench_log_subjects s on s.n = abs(hashint8(r * 1024 + t.pos)) % ${shape.subjects}
            limit ${Math.min(CHUNK_RECORDS * 2, records - written)}
            returning 1)
          select count(*)::int as n from written`),
      );
      written += result?.n ?? 0;
      log(`  ${written.toLocaleString("en-US")} records`);
    }
  });
  await db.execute(sql`vacuum analyze disclosure_events`);
}
