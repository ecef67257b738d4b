import { and, eq, inArray, notInArray, sql, type SQL } from "drizzle-orm";
import {
  consentEvents,
  customers,
  customerStatus,
  PARTNER_SHARING_PURPOSE,
  partnerLinks,
  subjectRequestEvents,
  subjectRequests,
} from "../db/schema/index.js";
import { liftNote } from "../dsr/objectionLifts.js";
import { assertNever } from "../policy/assertNever.js";
import type { Caller } from "../policy/caller.js";
import { ceiling, hasTransferBasis } from "../policy/ceiling.js";
import type { Policy } from "../policy/policy.js";
import type { Purpose } from "../policy/purposes.js";

/** Customers whose latest consent event for (purpose, partner) has the given answer. */
function latestConsentIs(purpose: string, partnerId: string | null, granted: boolean): SQL {
  const partner = partnerId === null ? sql`ce.partner_id is null` : sql`ce.partner_id = ${partnerId}`;
  return sql`${customers.id} in (
    select customer_id from (
      select distinct on (ce.customer_id) ce.customer_id, ce.granted from ${consentEvents} ce
      where ce.purpose = ${purpose} and ${partner}
      order by ce.customer_id, ce.recorded_at desc, ce.id desc
    ) latest where latest.granted = ${granted})`;
}

/**
 * SQL for "this subject can be seen at all for this purpose": the subject-level rules of
 * decide() (erasure, restriction, opt-outs, objections, verified requests, partner scope,
 * regions, transfers), so that pages and counts leave out whom a caller may not see, and do not
 * reveal them. test/enforcement/visibility.test.ts checks it agrees with decide() subject by subject.
 */
export function visibleSubjectsWhere(policy: Policy, caller: Caller, purpose: Purpose, categories: readonly string[]): SQL {
  if (!categories.some((c) => ceiling(policy, caller, purpose, c).effect !== "deny")) return sql`false`;
  const definition = policy.purposes[purpose];
  // The statuses that may be seen, as one comparison: a count runs it on every customer row.
  const statuses = customerStatus.enumValues.filter((s) => s !== "erased" && (definition.survivesRestriction || s !== "restricted"));
  const conditions: (SQL | undefined)[] = [
    statuses.length === 1 ? eq(customers.status, statuses[0]!) : inArray(customers.status, statuses),
  ];
  if (definition.consentBasis === "verified_request") {
    conditions.push(inArray(customers.id, sql`(select customer_id from ${subjectRequests} where state = 'verified')`));
  }
  if (definition.consentBasis === "opt_out") conditions.push(sql`not ${latestConsentIs(purpose, null, false)}`);
  if (definition.honoursObjection) {
    // An objection in force: completed, naming the purpose, not lifted for it (src/dsr/objectionLifts.ts).
    conditions.push(
      notInArray(
        customers.id,
        sql`(select r.customer_id from ${subjectRequests} r
      where r.kind = 'objection' and r.state = 'completed' and r.detail -> 'purposes' ? ${purpose}
        and not exists (select 1 from ${subjectRequestEvents} e where e.request_id = r.id and e.note = ${liftNote(purpose)}))`,
      ),
    );
  }
  switch (caller.kind) {
    case "anonymous":
      return sql`false`;
    case "customer":
      conditions.push(eq(customers.id, caller.customerId));
      break;
    case "staff":
      break;
    case "partner": {
      const { grant, partnerId } = caller;
      const optedIn = latestConsentIs(PARTNER_SHARING_PURPOSE, partnerId, true);
      if (grant.subjectScope === "consented" || policy.partnerKinds[caller.partnerKind].requiresOptIn) conditions.push(optedIn);
      if (grant.subjectScope === "linked") {
        conditions.push(inArray(customers.id, sql`(select customer_id from ${partnerLinks} where partner_id = ${partnerId})`));
      }
      conditions.push(grant.regions.length > 0 ? inArray(customers.residency, [...grant.regions]) : sql`false`);
      if (!hasTransferBasis(grant)) conditions.push(eq(customers.residency, caller.partnerRegion));
      break;
    }
    default:
      return assertNever(caller, "caller kind");
  }
  return and(...conditions) ?? sql`true`;
}
