import { and, eq, notInArray, sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import { consentEvents, customers, profiles, subjectRequests } from "../../src/db/schema/index.js";
import { personalColumns } from "../../src/datamap/columns.js";
import { legalHoldColumns } from "../../src/dsr/erasurePlan.js";
import { CLAIM_COORDINATES } from "../../src/dsr/identityCheck.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { readReportPages } from "../helpers/readReportPages.js";
import { bearer, type TestGateway } from "../helpers/testGateway.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

export const OFFICER_ID = "po-test-1";

/** Headers of a privacy officer acting under subject_request (or another purpose). */
export async function officer(gw: TestGateway, purpose = "subject_request") {
  return { ...bearer(await gw.token("privacy_officer", OFFICER_ID)), "x-purpose": purpose };
}

export async function staff(gw: TestGateway, role: string, purpose: string) {
  return { ...bearer(await gw.token(role, `${role}-1`)), "x-purpose": purpose };
}

export async function customer(gw: TestGateway, id: string) {
  return bearer(await gw.token("customer", id));
}

export const REQUEST_FIELDS =
  "id subjectId kind state receivedAt dueAt verifiedAt closedAt overdue objectedPurposes correctedFields grounds";

export const FILE_FOR = `mutation FileFor($s: ID!, $k: SubjectRequestKind!, $d: SubjectRequestDetailInput) {
  fileSubjectRequestFor(subjectId: $s, kind: $k, detail: $d) { ${REQUEST_FIELDS} } }`;
export const FILE_OWN = `mutation FileOwn($k: SubjectRequestKind!, $d: SubjectRequestDetailInput) {
  fileSubjectRequest(kind: $k, detail: $d) { ${REQUEST_FIELDS} } }`;
export const VERIFY = `mutation Verify($id: ID!) { verifySubjectRequest(id: $id) { ${REQUEST_FIELDS} } }`;
export const COMPLETE = `mutation Complete($id: ID!) { completeSubjectRequest(id: $id) { ${REQUEST_FIELDS} } }`;
export const REJECT = `mutation Reject($id: ID!, $r: SubjectRequestRejection!) { rejectSubjectRequest(id: $id, reason: $r) { ${REQUEST_FIELDS} } }`;
export const ONE = `query One($id: ID!) { subjectRequest(id: $id) { ${REQUEST_FIELDS} events { fromState toState actorKind actorId note at } } }`;
export const REPORT = `query Report($id: ID!) { accessReport(requestId: $id) {
  requestId subjectId subjectStatus generatedAt policyVersion
  entries { coordinate category table column rowId value withheld effect reasonCode purposes retention source note }
  recipients { callerKind role partnerId purposes lastDisclosedAt } } }`;
export const EXPORT = `query Export($id: ID!) { portableExport(requestId: $id) }`;

/** Reads a verified request's access report to its last page (as the officer unless told), which delivers it. */
export async function deliver(gw: TestGateway, id: string, headers?: Record<string, string>): Promise<void> {
  const query = `query Pages($id: ID!, $first: Int!, $after: String) { accessReport(requestId: $id, first: $first, after: $after) { entries { value } pageInfo { hasNextPage endCursor } } }`;
  await readReportPages(gw, query, { id, first: 500 }, headers ?? (await officer(gw)));
}

export type Action = "verify" | "complete" | "reject";

/** Runs one lifecycle action as the privacy officer; returns the raw response body. */
export async function act(gw: TestGateway, action: Action, id: string, headers?: Record<string, string>) {
  const h = headers ?? (await officer(gw));
  const query = action === "verify" ? VERIFY : action === "complete" ? COMPLETE : REJECT;
  const variables = action === "reject" ? { id, r: "DUPLICATE" } : { id };
  return (await gw.post({ query, variables }, h)).body;
}

/** Files as the officer and returns the request id (fails the test on an error). */
export async function fileFor(gw: TestGateway, subjectId: string, kind: string, detail?: Record<string, unknown>): Promise<string> {
  const res = await gw.post({ query: FILE_FOR, variables: { s: subjectId, k: kind, d: detail ?? null } }, await officer(gw));
  if (res.body.errors) throw new Error(`filing failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.fileSubjectRequestFor.id;
}

export const CHECK_IDENTITY = `mutation Check($id: ID!, $c: IdentityClaimsInput!) {
  checkSubjectRequestIdentity(id: $id, claims: $c) { requestId name email phone accountLastFour passed checksLeft checkedAt } }`;

/** Checks the requester's identity with the subject's email as held (read from the database), as the privacy officer; it must pass. */
export async function checkIdentity(gw: TestGateway, id: string): Promise<void> {
  const [row] = await gw.database.db
    .select({ email: profiles.email })
    .from(subjectRequests)
    .innerJoin(profiles, eq(profiles.customerId, subjectRequests.customerId))
    .where(eq(subjectRequests.id, id));
  const res = await gw.post({ query: CHECK_IDENTITY, variables: { id, c: { email: row?.email ?? null } } }, await officer(gw));
  if (res.body.errors || !res.body.data.checkSubjectRequestIdentity.passed)
    throw new Error(`identity check failed: ${JSON.stringify(res.body)}`);
}

/** A disclosure record of an identity check (the claims' fields compared, nothing else), as opposed to a report's. */
export const isIdentityCheckRecord = (r: { disclosed: string[]; masked: string[]; pseudonymized: string[]; withheld: string[] }) =>
  r.masked.length + r.pseudonymized.length + r.withheld.length === 0 &&
  r.disclosed.every((c) => Object.values(CLAIM_COORDINATES).includes(c));

/** Files as the officer, checks the requester's identity (unless the subject is erased), verifies; returns the id. */
export async function verified(gw: TestGateway, subjectId: string, kind: string, detail?: Record<string, unknown>): Promise<string> {
  const id = await fileFor(gw, subjectId, kind, detail);
  const [subject] = await gw.database.db.select({ status: customers.status }).from(customers).where(eq(customers.id, subjectId));
  if (subject?.status !== "erased") await checkIdentity(gw, id);
  const body = await act(gw, "verify", id);
  if (body.errors) throw new Error(`verify failed: ${JSON.stringify(body.errors)}`);
  return id;
}

/**
 * Active subjects with no subject request and no withdrawn consent at all, in id order: a clean
 * slate whose later state is due to the test alone.
 */
export async function plainSubjects(db: Database): Promise<string[]> {
  const rows = await db
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(
        eq(customers.status, "active"),
        notInArray(customers.id, sql`(select ${subjectRequests.customerId} from ${subjectRequests})`),
        notInArray(customers.id, sql`(select ${consentEvents.customerId} from ${consentEvents} where ${consentEvents.granted} = false)`),
      ),
    )
    .orderBy(customers.id);
  return rows.map((r) => r.id);
}

/** Columns the retention schedule holds by law through erasure, by table. */
export async function legalHold(): Promise<Record<string, string[]>> {
  const held: Record<string, string[]> = {};
  for (const c of legalHoldColumns(DEFAULT_POLICY, personalColumns(getDataMap(await buildGatewaySchema())))) {
    const [table, column] = c.split(".") as [string, string];
    (held[table] ??= []).push(column);
  }
  return held;
}

export { rowsOf } from "../../src/db/rowsOf.js";
