import { sql } from "drizzle-orm";
import { arrayLiteral } from "../db/arrayLiteral.js";
import type { Database } from "../db/client.js";
import { rowsOf } from "../db/rowsOf.js";

/**
 * A partner to notify of an erasure or a rectification (GDPR art. 19), from the disclosure log:
 * ids, a count, a date and field coordinates, never a value.
 */
export interface RecipientToNotify {
  partnerId: string;
  /** Disclosure records (one per request that read the subject) that released any of `coordinates`. */
  disclosures: number;
  lastDisclosedAt: string;
  /** The coordinates released to it (as stored, masked or pseudonymised), sorted. */
  coordinates: string[];
}

/**
 * The partners that received the subject's data: every partner with a disclosure record about the
 * subject that released a value (disclosed, masked or pseudonymised: each is still the subject's
 * data); a record that only withheld released nothing and names no recipient. With `only`, just
 * the records that released one of those coordinates count (a rectification: the corrected
 * fields). Staff and the subject are not recipients: they are the controller and the subject.
 * One statement on the log's subject index; call it inside the completing transaction.
 */
export async function recipientsToNotify(
  db: Pick<Database, "execute">,
  subjectId: string,
  only: readonly string[] | null = null,
): Promise<RecipientToNotify[]> {
  const filter = only === null ? sql`` : sql` and c.coordinate = any(${arrayLiteral(only)}::text[])`;
  const rows = rowsOf<{ partner_id: string; disclosures: number | string; last: string | Date; coordinates: string[] }>(
    await db.execute(sql`
    select split_part(l.caller_id, '/', 1) as partner_id, count(distinct l.id) as disclosures, max(l.recorded_at) as last,
      array_agg(distinct c.coordinate order by c.coordinate) as coordinates
    from disclosure_log l cross join lateral unnest(l.disclosed || l.masked || l.pseudonymized) as c(coordinate)
    where l.customer_id = ${subjectId} and l.caller_kind = 'partner'${filter}
    group by 1 order by 1`),
  );
  return rows.map((r) => ({
    partnerId: r.partner_id,
    disclosures: Number(r.disclosures),
    lastDisclosedAt: new Date(r.last).toISOString(),
    coordinates: [...r.coordinates],
  }));
}
