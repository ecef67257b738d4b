/**
 * The benchmark's data set: `seed()` from src/db/seed (deterministic: same seed, same rows, ids
 * included) at 10,000 customers, plus what the workloads need and the demo seed does not have:
 * - beyond SEEDED_CUSTOMERS, copies of the seeded customers made in SQL (bench/cloneCustomers.ts),
 *   a million in minutes; the fixtures below are chosen among the seeded ones, before the copy, so
 *   a database of any size serves the workloads the same subjects;
 * - one subject of a verified access request given exactly `reportVisits` visits (copies of
 *   their own seeded visits with fresh deterministic ids, one minute apart), for the subject
 *   access report;
 * - the service provider's grant lifted to a rate limit that autocannon cannot reach (the limiter
 *   still counts every request: only the ceiling changes).
 * The fixtures are chosen by SQL in a fixed order, so every run picks the same ones.
 */
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../src/db/client.js";
import { seed, type DemoApiKey } from "../src/db/seed/seed.js";
import { cloneCustomers } from "./cloneCustomers.js";

/** Customers `seed()` writes; more are copies of them (bench/cloneCustomers.ts). */
export const SEEDED_CUSTOMERS = 10_000;

export interface BenchData {
  customers: number;
  seedValue: number;
  seconds: number;
  /** Seconds per step, in order: seed, fixtures, copies, report visits, vacuum analyze. */
  steps: { step: string; seconds: number }[];
  /** An active customer with accounts and preferences, for the profile. */
  profileCustomerId: string;
  /** The service provider (customer_support: addresses masked), its key, and 50 subjects it may see. */
  partner: DemoApiKey;
  partnerSubjectIds: string[];
  /** The verified access request whose subject has `reportVisits` visits. */
  reportRequestId: string;
  reportSubjectId: string;
  reportVisits: number;
}

/** Far above what one benchmark can send in a minute. */
const UNREACHABLE_RATE_LIMIT = 1_000_000_000;

export async function seedLarge(
  database: DatabaseHandle,
  options: { customers: number; seed: number; reportVisits: number; lookups: number },
): Promise<BenchData> {
  const started = Date.now();
  const steps: BenchData["steps"] = [];
  let stepStarted = started;
  const step = (name: string) => {
    const now = Date.now();
    steps.push({ step: name, seconds: (now - stepStarted) / 1000 });
    stepStarted = now;
  };
  const { db } = database;
  const summary = await seed(db, { customers: Math.min(options.customers, SEEDED_CUSTOMERS), seed: options.seed });
  step(`seed() ${summary.customers.toLocaleString("en-US")} customers`);
  const partner = summary.apiKeys.find((k) => k.kind === "service_provider");
  if (!partner) throw new Error("the seed has no service provider");

  const rows = <T>(result: unknown) => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

  const [profile] = rows<{ id: string }>(
    await db.execute(sql`
    select c.id from customers c
    where c.status = 'active'
      and exists (select 1 from preferences p where p.customer_id = c.id)
      and (select count(*) from accounts a where a.customer_id = c.id) >= 2
    order by c.id limit 1`),
  );
  if (!profile) throw new Error("no active customer with preferences and two accounts");

  const linked = rows<{ id: string }>(
    await db.execute(sql`
    select c.id from customers c
    join partner_links l on l.customer_id = c.id and l.partner_id = ${partner.partnerId}
    join partner_grants g on g.partner_id = l.partner_id
    where c.status = 'active' and c.residency = any(g.regions)
    order by c.id limit ${options.lookups}`),
  );
  if (linked.length < options.lookups)
    throw new Error(`only ${linked.length} subjects are visible to ${partner.partnerName}; need ${options.lookups}`);
  await db.execute(sql`update partner_grants set requests_per_minute = ${UNREACHABLE_RATE_LIMIT} where partner_id = ${partner.partnerId}`);

  const [report] = rows<{ id: string; customer_id: string }>(
    await db.execute(sql`
    select r.id, r.customer_id from subject_requests r join customers c on c.id = r.customer_id
    where r.kind = 'access' and r.state = 'verified' and c.status = 'active'
    order by r.id limit 1`),
  );
  if (!report) throw new Error("the seed has no verified access request of an active customer");
  step("fixtures");
  const { added } = await cloneCustomers(database, options.customers);
  if (added > 0) step(`${added.toLocaleString("en-US")} customers copied in SQL`);
  const [{ n: held } = { n: 0 }] = rows<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from visits where customer_id = ${report.customer_id}`),
  );
  if (held === 0) throw new Error("the access-report subject has no visits to copy");
  if (held < options.reportVisits) {
    await db.execute(sql`
      with own as (select v.*, row_number() over (order by v.id) - 1 as k from visits v where v.customer_id = ${report.customer_id})
      insert into visits (id, customer_id, ip_address, user_agent, device, operating_system, language, referrer, page, visited_at)
      select md5('bench-visit/' || ${report.customer_id}::text || '/' || g)::uuid, o.customer_id, o.ip_address, o.user_agent,
             o.device, o.operating_system, o.language, o.referrer, o.page, o.visited_at - make_interval(mins => g)
      from generate_series(1, ${options.reportVisits - held}) g
      join own o on o.k = g % ${held}`);
    step(`${(options.reportVisits - held).toLocaleString("en-US")} report visits`);
  }
  // Statistics and the visibility map, as autovacuum keeps them in a database in use.
  await db.execute(sql`vacuum analyze`);
  step("vacuum analyze");

  return {
    customers: summary.customers + added,
    seedValue: summary.seed,
    seconds: (Date.now() - started) / 1000,
    steps,
    profileCustomerId: profile.id,
    partner,
    partnerSubjectIds: linked.map((r) => r.id),
    reportRequestId: report.id,
    reportSubjectId: report.customer_id,
    reportVisits: Math.max(held, options.reportVisits),
  };
}
