import { and, eq, inArray, notInArray, sql, type SQL } from "drizzle-orm";
import { customers, customerStatus, PARTNER_SHARING_PURPOSE, partnerLinks, subjectRequests } from "../db/schema/index.js";
import { subjectStateSql } from "../db/subjectState/subjectStateSql.js";
import { assertNever } from "../policy/assertNever.js";
import type { Caller } from "../policy/caller.js";
import { ceiling, hasTransferBasis } from "../policy/ceiling.js";
import type { Policy } from "../policy/policy.js";
import type { Purpose } from "../policy/purposes.js";

/** Customers whose latest consent event for (purpose, partner) has the given answer. */
function latestConsentIs(purpose: string, partnerId: string | null, granted: boolean): SQL {
  const partner = partnerId === null ? sql`ce.partner_id is null` : sql`ce.partner_id = ${partnerId}`;
  return sql`${customers.id} in (
    select customer_id from (${subjectStateSql.currentConsents(sql`ce.purpose = ${purpose} and ${partner}`)}) latest
    where latest.granted = ${granted})`;
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
    conditions.push(
      inArray(customers.id, sql`(select r.customer_id from ${subjectRequests} r where ${subjectStateSql.verifiedRequest("r")})`),
    );
  }
  if (definition.consentBasis === "opt_out") conditions.push(sql`not ${latestConsentIs(purpose, null, false)}`);
  if (definition.honoursObjection) {
    conditions.push(
      notInArray(
        customers.id,
        sql`(select r.customer_id from ${subjectRequests} r where ${subjectStateSql.objectionInForce("r", purpose)})`,
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
