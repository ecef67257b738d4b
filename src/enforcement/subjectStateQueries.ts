import { getTableName, sql } from "drizzle-orm";
import { anyOf } from "../db/anyOf.js";
import type { Database } from "../db/client.js";
import { objectedPurposes, type StoredDetail } from "../dsr/detail.js";
import { consentEvents, customers, PARTNER_SHARING_PURPOSE, partnerLinks, subjectRequests } from "../db/schema/index.js";
import { isPurpose, PURPOSE_DEFINITIONS, type Purpose } from "../policy/purposes.js";
import type { SubjectState } from "../policy/subjectState.js";

/**
 * What the subject-state columns carry, as one JSON text per customer row (parsed here, so that
 * both drivers hand over the same thing): the latest consent event per (purpose, partner) as
 * [purpose, partnerId, granted, recordedAt], completed objections as [{ purposes }, closedAt]
 * (the purposes alone: free text of a request's detail stays out of the rows), whether a
 * verified request is open, and the linked partners.
 */
type StateJson = {
  consents: [string, string | null, boolean, string][];
  objections: [StoredDetail, string | null][];
  verified: boolean;
  links: string[];
};

// One constant text, rendered here once: built from fragments, Drizzle would walk them again for
// every page and lookup. It holds no parameter. `customers.id` is qualified by hand: in a select
// from one table Drizzle renders it as a bare "id", which inside these subqueries would name the
// inner table's own id column.
const subjectId = `"${getTableName(customers)}".id`;
const stateJson = `json_build_object(
    'consents', (select coalesce(json_agg(json_build_array(l.purpose, l.partner_id, l.granted, l.recorded_at)), '[]')
      from (select distinct on (ce.purpose, ce.partner_id) ce.purpose, ce.partner_id, ce.granted, ce.recorded_at
        from "${getTableName(consentEvents)}" ce where ce.customer_id = ${subjectId}
        order by ce.purpose, ce.partner_id, ce.recorded_at desc, ce.id desc) l),
    'objections', (select coalesce(json_agg(json_build_array(json_build_object('purposes', r.detail -> 'purposes'), r.closed_at)), '[]')
      from "${getTableName(subjectRequests)}" r where r.customer_id = ${subjectId} and r.kind = 'objection' and r.state = 'completed'),
    'verified', exists (select 1 from "${getTableName(subjectRequests)}" r where r.customer_id = ${subjectId} and r.state = 'verified'),
    'links', (select coalesce(json_agg(pl.partner_id), '[]') from "${getTableName(partnerLinks)}" pl where pl.customer_id = ${subjectId})
  )::text`;

/**
 * The subject-state columns of a `customers` row, correlated on `customers.id`: add them to a
 * select from `customers` (a page, a lookup) and the states arrive with the rows, in the same
 * statement. PostgreSQL answers each aggregate from an index on `customer_id`.
 */
export const subjectStateColumns = {
  status: customers.status,
  residency: customers.residency,
  state: sql<string>`${sql.raw(stateJson)}`,
};

/** A row selected with `subjectStateColumns` (and the customer's id). */
export interface SubjectStateRow {
  id: string;
  status: SubjectState["status"];
  residency: string;
  state: string;
}

/** The state decide() needs, from a row selected with `subjectStateColumns`. */
export function subjectStateOf(row: SubjectStateRow): SubjectState {
  const json = JSON.parse(row.state) as StateJson;
  const optOuts = new Map<Purpose, Date>();
  const objections = new Map<Purpose, Date>();
  const partnerOptIns = new Set<string>();
  for (const [purpose, partnerId, granted, recordedAt] of json.consents) {
    if (partnerId !== null) {
      if (granted && purpose === PARTNER_SHARING_PURPOSE) partnerOptIns.add(partnerId);
    } else if (!granted && isPurpose(purpose) && PURPOSE_DEFINITIONS[purpose].consentBasis === "opt_out") {
      optOuts.set(purpose, new Date(recordedAt));
    }
  }
  for (const [detail, closedAt] of json.objections) {
    for (const p of objectedPurposes(detail)) objections.set(p, closedAt === null ? new Date(0) : new Date(closedAt));
  }
  return {
    customerId: row.id, status: row.status, residency: row.residency, optOuts, objections,
    partnerOptIns, linkedPartners: new Set(json.links), verifiedRequest: json.verified,
  };
}

/** The state of a subject with no customer row: erased, so nothing of it is disclosed. */
function missingSubject(customerId: string): SubjectState {
  return {
    customerId, status: "erased", residency: "", optOuts: new Map(), objections: new Map(),
    partnerOptIns: new Set(), linkedPartners: new Set(), verifiedRequest: false,
  };
}

/** The state decide() needs for each subject, in one statement whatever the number of subjects. */
export async function loadSubjectStates(db: Database, ids: readonly string[]): Promise<Map<string, SubjectState>> {
  const rows = await db.select({ id: customers.id, ...subjectStateColumns }).from(customers).where(anyOf(customers.id, ids));
  const states = new Map<string, SubjectState>();
  for (const row of rows) states.set(row.id, subjectStateOf(row));
  for (const id of ids) if (!states.has(id)) states.set(id, missingSubject(id));
  return states;
}
