import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { anyOf } from "../db/anyOf.js";
import { countOf } from "../db/countOf.js";
import { insertRowsStatement } from "../db/insertRows.js";
import { disclosureEvents, disclosureFieldSets, type DisclosureRow } from "../db/schema/index.js";
import type { GatewayContext } from "../graphql/context.js";
import { assertNever } from "../policy/assertNever.js";
import type { Caller } from "../policy/caller.js";
import type { FieldOutcomes, OutcomeLists } from "./FieldOutcomes.js";

/** Who the log says read the data: ids and roles, never a name. */
export function callerIdentity(caller: Caller): { callerKind: string; callerId: string; role: string } {
  switch (caller.kind) {
    case "anonymous":
      return { callerKind: "anonymous", callerId: "", role: "anonymous" };
    case "customer":
      return { callerKind: "customer", callerId: caller.customerId, role: "customer" };
    case "staff":
      return { callerKind: "staff", callerId: caller.staffId, role: caller.role };
    case "partner":
      return { callerKind: "partner", callerId: `${caller.partnerId}/${caller.keyId}`, role: caller.partnerKind };
    default:
      return assertNever(caller, "caller kind");
  }
}

/**
 * Outcome lists by FieldOutcomes.key(), per data map (its coordinates array), shared by every
 * request: a key always yields the same lists, and pages repeat the same few, so their lists are
 * built once and not per request (and writeDisclosures finds their field set by identity). Frozen,
 * since requests share them; cleared when full, so an unusual variety of records cannot grow it.
 */
const listsByKey = new WeakMap<readonly string[], Map<string, OutcomeLists>>();
const MAX_SHARED_LISTS = 10_000;

function sharedLists(outcomes: FieldOutcomes, coordinates: readonly string[]): OutcomeLists {
  let byKey = listsByKey.get(coordinates);
  if (byKey === undefined) listsByKey.set(coordinates, (byKey = new Map()));
  const key = outcomes.key();
  let lists = byKey.get(key);
  if (lists === undefined) {
    if (byKey.size >= MAX_SHARED_LISTS) byKey.clear();
    lists = outcomes.lists(coordinates);
    for (const list of Object.values(lists)) Object.freeze(list);
    byKey.set(key, lists);
  }
  return lists;
}

/**
 * One row per subject the request touched. Subjects whose outcomes are alike (most of a page)
 * share the same four list arrays, which lets writeDisclosures describe them once.
 */
export function disclosureRecords(ctx: GatewayContext, disclosures: ReadonlyMap<string, FieldOutcomes>): DisclosureRow[] {
  const { callerKind, callerId, role } = callerIdentity(ctx.caller);
  const { requestId, enforcement } = ctx;
  const purpose = enforcement.purpose ?? "none";
  const policyVersion = enforcement.policy.version;
  const recordedAt = new Date();
  const { coordinates } = enforcement.dataMap;
  const rows: DisclosureRow[] = [];
  // Properties written out, not spread: a page builds a hundred of these per request.
  for (const [customerId, outcomes] of disclosures) {
    const lists = sharedLists(outcomes, coordinates);
    rows.push({
      requestId,
      customerId,
      callerKind,
      callerId,
      role,
      purpose,
      policyVersion,
      subjectRequestId: enforcement.subjectRequestFor(customerId),
      disclosed: lists.disclosed,
      masked: lists.masked,
      pseudonymized: lists.pseudonymized,
      withheld: lists.withheld,
      recordedAt,
    });
  }
  return rows;
}

/** The columns an event fills (the id is generated). */
const EVENT_COLUMNS = [
  "requestId",
  "customerId",
  "callerKind",
  "callerId",
  "role",
  "purpose",
  "policyVersion",
  "subjectRequestId",
  "fieldSetId",
  "recordedAt",
] as const;

type FieldSet = typeof disclosureFieldSets.$inferInsert;

/**
 * The field set of the last row seen with this very `disclosed` array (alike subjects, and the
 * shared lists of every request, hold the same arrays), so that a set is serialised and hashed
 * once, not once per subject or per request.
 */
const setByArrays = new WeakMap<readonly string[], FieldSet>();

function fieldSetOf(row: DisclosureRow): FieldSet {
  const { disclosed, masked, pseudonymized, withheld } = row;
  let set = setByArrays.get(disclosed);
  if (set?.masked !== masked || set.pseudonymized !== pseudonymized || set.withheld !== withheld) {
    const id = createHash("sha256")
      .update(JSON.stringify([disclosed, masked, pseudonymized, withheld]))
      .digest("base64url");
    set = { id, disclosed, masked, pseudonymized, withheld };
    setByArrays.set(disclosed, set);
  }
  return set;
}

/** Most set ids a writer keeps as known to be stored (then it starts again from none). */
const MAX_STORED_SETS = 10_000;

/**
 * All of a request's records in one statement: the field sets (a page of a hundred subjects
 * usually has a few; `on conflict do nothing` for those already stored), then one event per
 * subject pointing at its set. A page's record is a few hundred bytes a subject, not a copy of
 * every coordinate list per subject. A set's id is the SHA-256 of its four lists, so the same
 * lists are stored once. Resolves once every event and its set are committed.
 *
 * `stored`: ids of sets known to be stored in this database, kept by the caller across writes
 * (createDisclosureWriter keeps one per gateway) and updated here. An event whose set is known
 * sends the set's id alone, not its four lists again: a page's two dozen sets are tens of
 * kilobytes of array text that PostgreSQL parsed only to find them stored. Nothing deletes a set,
 * but a database can be truncated or restored under a running gateway, so the statement counts
 * the known sets it relies on, and any that is gone is written again before the write resolves.
 */
export async function writeDisclosures(db: Database, rows: DisclosureRow[], stored: Set<string> = new Set()): Promise<void> {
  if (rows.length === 0) return;
  const sets = new Map<string, FieldSet>(); // by id
  // Each event written out property by property: an object rest (`{ disclosed, ...event }`) is a
  // runtime call per row (about 90 µs for a page's hundred records, against 3 µs).
  const events = rows.map((row) => {
    const set = fieldSetOf(row);
    sets.set(set.id, set);
    return {
      requestId: row.requestId,
      customerId: row.customerId,
      callerKind: row.callerKind,
      callerId: row.callerId,
      role: row.role,
      purpose: row.purpose,
      policyVersion: row.policyVersion,
      subjectRequestId: row.subjectRequestId,
      fieldSetId: set.id,
      recordedAt: row.recordedAt,
    };
  });
  const known: FieldSet[] = [];
  const sent: FieldSet[] = [];
  for (const set of sets.values()) (stored.has(set.id) ? known : sent).push(set);
  const insertEvents = sql`events as (${insertRowsStatement(disclosureEvents, events, EVENT_COLUMNS)})`;
  const ctes = sent.length === 0 ? insertEvents : sql`field_sets as (${insertSets(sent)}), ${insertEvents}`;
  const found = await countOf(
    db,
    sql`with ${ctes}
    select count(*)::int as n from ${disclosureFieldSets} where ${anyOf(
      disclosureFieldSets.id,
      known.map((set) => set.id),
    )}`,
  );
  if (found < known.length) await db.execute(insertSets(known)); // gone under a running gateway
  if (stored.size + sent.length > MAX_STORED_SETS) stored.clear();
  for (const set of sent) stored.add(set.id);
}

const insertSets = (sets: FieldSet[]) =>
  sql`${insertRowsStatement(disclosureFieldSets, sets)} on conflict (${sql.identifier("id")}) do nothing`;
