import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { insertRowsStatement } from "../db/insertRows.js";
import { disclosureEvents, disclosureFieldSets, type DisclosureRow } from "../db/schema/index.js";
import type { GatewayContext } from "../graphql/context.js";
import { assertNever } from "../policy/assertNever.js";
import type { Caller } from "../policy/caller.js";
import type { SubjectDisclosure } from "./createRequestEnforcement.js";

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

/** One row per subject the request touched. */
export function disclosureRecords(ctx: GatewayContext, disclosures: ReadonlyMap<string, SubjectDisclosure>): DisclosureRow[] {
  const who = callerIdentity(ctx.caller);
  const recordedAt = new Date();
  return [...disclosures].map(([customerId, d]) => ({
    requestId: ctx.requestId,
    customerId,
    ...who,
    purpose: ctx.enforcement.purpose ?? "none",
    subjectRequestId: ctx.enforcement.subjectRequestFor(customerId),
    disclosed: [...d.disclosed].sort(),
    masked: [...d.masked].sort(),
    pseudonymized: [...d.pseudonymized].sort(),
    withheld: [...d.withheld].sort(),
    recordedAt,
  }));
}

/** The columns an event fills (the id is generated). */
const EVENT_COLUMNS = [
  "requestId", "customerId", "callerKind", "callerId", "role", "purpose", "subjectRequestId", "fieldSetId", "recordedAt",
] as const;

/**
 * All of a request's records in one statement: the field sets not stored yet (a page of a hundred
 * subjects usually shares one or two), then one event per subject pointing at its set. A page's
 * record is a few hundred bytes a subject, not a copy of every coordinate list per subject. A
 * set's id is the SHA-256 of its four lists, so the same lists are stored once.
 */
export async function writeDisclosures(db: Database, rows: DisclosureRow[]): Promise<void> {
  if (rows.length === 0) return;
  const sets = new Map<string, typeof disclosureFieldSets.$inferInsert>(); // by the lists' JSON
  const events = rows.map(({ disclosed, masked, pseudonymized, withheld, ...event }) => {
    const lists = JSON.stringify([disclosed, masked, pseudonymized, withheld]);
    let set = sets.get(lists);
    if (set === undefined) {
      set = { id: createHash("sha256").update(lists).digest("base64url"), disclosed, masked, pseudonymized, withheld };
      sets.set(lists, set);
    }
    return { ...event, fieldSetId: set.id };
  });
  const newSets = sql`${insertRowsStatement(disclosureFieldSets, [...sets.values()])} on conflict (${sql.identifier("id")}) do nothing`;
  await db.execute(sql`with field_sets as (${newSets}) ${insertRowsStatement(disclosureEvents, events, EVENT_COLUMNS)}`);
}
