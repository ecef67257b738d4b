import type { Database } from "../db/client.js";
import { insertRows } from "../db/insertRows.js";
import { disclosureLog, type DisclosureRow } from "../db/schema/index.js";
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

/** The columns a record fills (the id is generated). */
const WRITTEN = [
  "requestId", "customerId", "callerKind", "callerId", "role", "purpose", "subjectRequestId",
  "disclosed", "masked", "pseudonymized", "withheld", "recordedAt",
] as const;

/** All of a request's records in one statement (a page of 100 subjects: 12 parameters, not 1,200). */
export async function writeDisclosures(db: Database, rows: DisclosureRow[]): Promise<void> {
  await insertRows(db, disclosureLog, rows, WRITTEN);
}
