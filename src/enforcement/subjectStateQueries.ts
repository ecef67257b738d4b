import { getTableName, sql } from "drizzle-orm";
import { anyOf } from "../db/anyOf.js";
import type { Database } from "../db/client.js";
import type { StoredDetail } from "../dsr/detail.js";
import { liftNotesJson, purposesInForce } from "../dsr/objectionLifts.js";
import { consentEvents, customers, PARTNER_SHARING_PURPOSE, partnerLinks, subjectRequests } from "../db/schema/index.js";
import { isPurpose, type Purpose } from "../policy/purposes.js";
import { ALL_STATE_PARTS, type StateParts } from "../policy/stateParts.js";
import type { SubjectState } from "../policy/subjectState.js";

/**
 * What the subject-state columns carry, as one JSON text per customer row (parsed here, so that
 * both drivers hand over the same thing), each member only when the request's StateParts ask for
 * it: the latest consent event per (purpose, partner) as [purpose, partnerId, granted,
 * recordedAt], completed objections as [{ purposes }, closedAt, lift notes] (the purposes alone:
 * free text of a request's detail stays out of the rows; the notes of the events that lifted some
 * of them, src/dsr/objectionLifts.ts), whether a verified request is open, and the linked
 * partners.
 */
type StateJson = Partial<{
  consents: [string, string | null, boolean, string][];
  objections: [StoredDetail, string | null, string[]][];
  verified: boolean;
  links: string[];
}>;

// Constant texts, rendered here once per combination of parts: built from fragments, Drizzle
// would walk them again for every page and lookup. They hold no parameter. `customers.id` is
// qualified by hand: in a select from one table Drizzle renders it as a bare "id", which inside
// these subqueries would name the inner table's own id column.
const subjectId = `"${getTableName(customers)}".id`;
const MEMBERS = {
  // `which`: the purpose-wide answers (opt-outs), the per-partner ones (opt-ins), or both.
  consents: (
    which: string,
  ) => `'consents', (select coalesce(json_agg(json_build_array(l.purpose, l.partner_id, l.granted, l.recorded_at)), '[]')
      from (select distinct on (ce.purpose, ce.partner_id) ce.purpose, ce.partner_id, ce.granted, ce.recorded_at
        from "${getTableName(consentEvents)}" ce where ce.customer_id = ${subjectId}${which}
        order by ce.purpose, ce.partner_id, ce.recorded_at desc, ce.id desc) l)`,
  objections: `'objections', (select coalesce(json_agg(json_build_array(json_build_object('purposes', r.detail -> 'purposes'), r.closed_at, ${liftNotesJson("r")})), '[]')
      from "${getTableName(subjectRequests)}" r where r.customer_id = ${subjectId} and r.kind = 'objection' and r.state = 'completed')`,
  verified: `'verified', exists (select 1 from "${getTableName(subjectRequests)}" r where r.customer_id = ${subjectId} and r.state = 'verified')`,
  links: `'links', (select coalesce(json_agg(pl.partner_id), '[]') from "${getTableName(partnerLinks)}" pl where pl.customer_id = ${subjectId})`,
};

function stateJson(parts: StateParts): string {
  const consents =
    parts.optOuts && parts.partnerOptIns ? "" : parts.optOuts ? " and ce.partner_id is null" : " and ce.partner_id is not null";
  const members = [
    ...(parts.optOuts || parts.partnerOptIns ? [MEMBERS.consents(consents)] : []),
    ...(parts.objections ? [MEMBERS.objections] : []),
    ...(parts.verifiedRequest ? [MEMBERS.verified] : []),
    ...(parts.partnerLinks ? [MEMBERS.links] : []),
  ];
  return members.length === 0 ? `'{}'` : `json_build_object(${members.join(",\n    ")})::text`;
}

const columnsByParts = new Map<string, ReturnType<typeof columnsFor>>();
const columnsFor = (parts: StateParts) => ({
  status: customers.status,
  residency: customers.residency,
  state: sql<string>`${sql.raw(stateJson(parts))}`,
});

/**
 * The subject-state columns of a `customers` row, correlated on `customers.id`, with the parts of
 * the state that `parts` asks for (the others arrive empty): add them to a select from `customers`
 * (a page, a lookup) and the states arrive with the rows, in the same statement. PostgreSQL
 * answers each aggregate from an index on `customer_id`; a request that needs no part pays for none.
 */
export function subjectStateColumns(parts: StateParts): ReturnType<typeof columnsFor> {
  const key = `${+parts.optOuts}${+parts.objections}${+parts.verifiedRequest}${+parts.partnerOptIns}${+parts.partnerLinks}`;
  let columns = columnsByParts.get(key);
  if (columns === undefined) columnsByParts.set(key, (columns = columnsFor(parts)));
  return columns;
}

/** A row selected with `subjectStateColumns` (and the customer's id). */
export interface SubjectStateRow {
  id: string;
  status: SubjectState["status"];
  residency: string;
  state: string;
}

// A subject without choices (most of a page) shares these. A state is read, never written; were
// one written anyway, a shared collection would carry one subject's choice to every other, so
// these refuse writes instead.
const refuseWrite = (): never => {
  throw new TypeError("a subject state's shared empty collection is read-only");
};
const NO_DATES: ReadonlyMap<Purpose, Date> = Object.freeze(
  Object.assign(new Map<Purpose, Date>(), { set: refuseWrite, delete: refuseWrite, clear: refuseWrite }),
);
const NO_IDS: ReadonlySet<string> = Object.freeze(
  Object.assign(new Set<string>(), { add: refuseWrite, delete: refuseWrite, clear: refuseWrite }),
);

/** The state decide() needs, from a row selected with `subjectStateColumns`. */
export function subjectStateOf(row: SubjectStateRow): SubjectState {
  const json = JSON.parse(row.state) as StateJson; // a part not selected is absent: empty
  let optOuts: Map<Purpose, Date> | undefined;
  let objections: Map<Purpose, Date> | undefined;
  let partnerOptIns: Set<string> | undefined;
  for (const [purpose, partnerId, granted, recordedAt] of json.consents ?? []) {
    if (partnerId !== null) {
      if (granted && purpose === PARTNER_SHARING_PURPOSE) (partnerOptIns ??= new Set()).add(partnerId);
    } else if (!granted && isPurpose(purpose)) {
      // decide consults it only under an opt-out purpose
      (optOuts ??= new Map()).set(purpose, new Date(recordedAt));
    }
  }
  for (const [detail, closedAt, lifts] of json.objections ?? []) {
    for (const p of purposesInForce(detail, lifts)) (objections ??= new Map()).set(p, closedAt === null ? new Date(0) : new Date(closedAt));
  }
  return {
    customerId: row.id,
    status: row.status,
    residency: row.residency,
    optOuts: optOuts ?? NO_DATES,
    objections: objections ?? NO_DATES,
    partnerOptIns: partnerOptIns ?? NO_IDS,
    linkedPartners: json.links?.length ? new Set(json.links) : NO_IDS,
    verifiedRequest: json.verified ?? false,
  };
}

/** The state of a subject with no customer row: erased, so nothing of it is disclosed. */
function missingSubject(customerId: string): SubjectState {
  return {
    customerId,
    status: "erased",
    residency: "",
    optOuts: NO_DATES,
    objections: NO_DATES,
    partnerOptIns: NO_IDS,
    linkedPartners: NO_IDS,
    verifiedRequest: false,
  };
}

/** The state decide() needs for each subject (the parts asked for), in one statement whatever the number of subjects. */
export async function loadSubjectStates(
  db: Database,
  ids: readonly string[],
  parts: StateParts = ALL_STATE_PARTS,
): Promise<Map<string, SubjectState>> {
  const rows = await db
    .select({ id: customers.id, ...subjectStateColumns(parts) })
    .from(customers)
    .where(anyOf(customers.id, ids));
  const states = new Map<string, SubjectState>();
  for (const row of rows) states.set(row.id, subjectStateOf(row));
  for (const id of ids) if (!states.has(id)) states.set(id, missingSubject(id));
  return states;
}
