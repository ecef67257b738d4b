import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { databaseErrorCode } from "../db/isDatabaseUnavailable.js";
import { reclaimDeletedValues } from "../db/reclaimDeletedValues.js";
import { personalColumns, type PersonalColumn } from "../datamap/columns.js";
import { consentEvents, customers, profiles, subjectRequests, type SubjectRequestRow } from "../db/schema/index.js";
import type { DataMap } from "../enforcement/dataMap.js";
import { PERSONAL_COLUMNS } from "../enforcement/personalColumns.js";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import type { Policy } from "../policy/policy.js";
import type { Logger } from "../server/logger.js";
import { correctionsOf, objectedPurposes, scrubDetail, type StoredDetail } from "./detail.js";
import { ERASED_LINK_TABLES, erasureOf, heldByLaw, legalHoldsOf } from "./erasurePlan.js";
import { tableInfo } from "./personalTables.js";
import { recipientsToNotify } from "./recipientsToNotify.js";
import type { RequestOutcome, TableOutcome } from "./requestOutcome.js";
import { readableUntil } from "./reportDelivery.js";
import { appendEvent, type Actor } from "./requestStore.js";
import { KINDS_FOR_ERASED, type SubjectRequestKind } from "./transitions.js";

/** What completing did: a short note code for the event (never a value) and the detail to keep. */
export interface Execution {
  note: string;
  detail: StoredDetail;
  /**
   * Tables whose old row versions still hold values the execution removed: to be reclaimed from
   * the database's files once the transaction has committed (reclaimAfterCompletion).
   */
  reclaim: string[];
}

const refuse = (message: string, reason: string) => new GatewayError(ErrorCode.BAD_USER_INPUT, message, { reason });

/**
 * Carries out a verified request as it is completed. Runs inside the completing transaction:
 * every statement goes through `tx` (PGlite has one connection), and any failure rolls back the
 * execution together with the state change.
 */
export async function executeRequest(
  tx: Database,
  row: SubjectRequestRow,
  options: { dataMap: DataMap; now: Date; policy: Policy },
): Promise<Execution> {
  const [subject] = await tx.select({ status: customers.status }).from(customers).where(eq(customers.id, row.customerId)).for("update");
  if (!subject) throw refuse("The subject of this request no longer exists.", "SUBJECT_MISSING");
  const kind = row.kind as SubjectRequestKind;
  if (subject.status === "erased" && !KINDS_FOR_ERASED.includes(kind)) {
    throw refuse(`The subject has been erased; a ${kind} request has nothing left to act on. Reject it instead.`, "SUBJECT_ERASED");
  }
  const detail = scrubDetail(row.detail);
  switch (kind) {
    case "access":
    case "portability":
      return { note: `REPORT_READABLE_UNTIL:${readableUntil(options.now).toISOString()}`, detail, reclaim: [] };
    case "rectification": {
      const corrected = await rectify(tx, row, options);
      const recipients = await recipientsToNotify(tx, row.customerId, corrected.coordinates);
      return { note: corrected.note, detail: { ...detail, outcome: { tables: [], recipients } satisfies RequestOutcome }, reclaim: [] };
    }
    case "objection":
      return { note: await object(tx, row, options.now, options.policy), detail, reclaim: [] };
    case "restriction": {
      if (subject.status === "restricted") return { note: "ALREADY_RESTRICTED", detail, reclaim: [] };
      await tx.update(customers).set({ status: "restricted" }).where(eq(customers.id, row.customerId));
      return { note: "RESTRICTED", detail, reclaim: [] };
    }
    case "erasure": {
      // Before erasing, though erasure keeps the log (coordinates and ids, not values).
      const recipients = await recipientsToNotify(tx, row.customerId);
      const erased = await eraseSubject(tx, row.customerId, options.now, options.dataMap, options.policy);
      const outcome: RequestOutcome = { tables: erased.outcome, recipients };
      return { note: `ERASED_ROWS:${erased.rows}`, detail: { ...detail, outcome }, reclaim: erased.tables };
    }
  }
}

/**
 * After a completion has committed: takes what its execution removed out of the database's files
 * (reclaimDeletedValues on `execution.reclaim`) and records the outcome as an event of the
 * request, state unchanged: `STORAGE_RECLAIMED:<method>`, or `STORAGE_RECLAIM_FAILED:<code>`.
 * A failure does not reopen the request (what it removed is gone from every read); it is logged
 * with ids, tables and the driver code. Any later erasure or purge that touches those tables
 * rewrites them whole, and reclaims what this one left. Never throws: the answer reports the
 * completion, which stands.
 */
export async function reclaimAfterCompletion(
  db: Database,
  row: SubjectRequestRow,
  execution: Execution,
  context: { actor: Actor; logger: Logger; requestId: string },
): Promise<void> {
  if (execution.reclaim.length === 0) return;
  const reclaim = await reclaimDeletedValues(db, execution.reclaim);
  const where = { requestId: context.requestId, subjectRequestId: row.id, tables: reclaim.tables, method: reclaim.method, ms: reclaim.ms };
  if (reclaim.failure === null) context.logger.info(where, "reclaimed erased values from the database's files");
  else
    context.logger.error(
      { ...where, code: reclaim.failure },
      "reclaiming erased values from the database's files failed; the request stays completed",
    );
  const note = reclaim.failure === null ? `STORAGE_RECLAIMED:${reclaim.method}` : `STORAGE_RECLAIM_FAILED:${reclaim.failure}`;
  try {
    await appendEvent(db, row, { from: "completed", to: "completed", actor: context.actor, note, at: new Date() });
  } catch (error) {
    context.logger.error({ ...where, code: databaseErrorCode(error) }, `recording the reclaim (${note}) as an event failed`);
  }
}

/**
 * Applies the corrections filed with the request; the note names the categories changed, and the
 * coordinates of the corrected fields are those whose recipients are told (GDPR art. 19).
 */
async function rectify(
  tx: Database,
  row: SubjectRequestRow,
  options: { dataMap: DataMap; now: Date },
): Promise<{ note: string; coordinates: string[] }> {
  const corrections = correctionsOf(row.detail);
  if (!corrections || Object.keys(corrections).length === 0) throw refuse("This rectification holds no corrections.", "NO_CORRECTIONS");
  const info = tableInfo("profiles");
  const keyToColumn = new Map([...info.columns].map(([name, c]) => [c.key, name]));
  const categories = new Set<string>();
  const coordinates: string[] = [];
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(corrections)) {
    const column = keyToColumn.get(key);
    const exposure = column ? PERSONAL_COLUMNS.profiles?.[column] : undefined;
    if (!exposure || (value !== null && typeof value !== "string"))
      throw refuse("This rectification holds a correction that is not a profile field.", "BAD_CORRECTION");
    set[key] = value;
    if (!("coordinate" in exposure)) continue;
    coordinates.push(exposure.coordinate);
    const category = options.dataMap.fields.get(exposure.coordinate)?.category;
    if (category) categories.add(category);
  }
  const updated = await tx
    .update(profiles)
    .set({ ...set, updatedAt: options.now })
    .where(eq(profiles.customerId, row.customerId))
    .returning({ id: profiles.customerId });
  if (updated.length === 0) await tx.insert(profiles).values({ ...set, customerId: row.customerId, updatedAt: options.now });
  return { note: `CORRECTED:${[...categories].sort().join(",")}`, coordinates: coordinates.sort() };
}

/** Records an opt-out (source `dsr`) for each purpose objected to; decide also reads the objection itself. */
async function object(tx: Database, row: SubjectRequestRow, now: Date, policy: Policy): Promise<string> {
  const purposes = objectedPurposes(row.detail).filter((p) => policy.purposes[p].consentBasis === "opt_out");
  if (purposes.length > 0) {
    await tx.insert(consentEvents).values(
      purposes.map((purpose) => ({
        customerId: row.customerId,
        purpose,
        partnerId: null,
        granted: false,
        source: "dsr",
        policyVersion: policy.version,
        recordedAt: now,
      })),
    );
  }
  return `OBJECTED:${objectedPurposes(row.detail).join(",")}`;
}

/**
 * Erases a subject, driven by its personal columns (PERSONAL_COLUMNS with their categories) and
 * the erasure plan: rows deleted, or their personal columns nulled except those the retention
 * schedule holds by law; partner links deleted; values dropped from the subject's request
 * details; the customer row kept as a tombstone (`erased`, `erased_at`) so that no late write
 * re-creates the subject. Returns the number of rows changed, the tables whose old row versions
 * hold the removed values (those with rows changed, and the request details), and what it did to
 * each table (TableOutcome: every table it sweeps, in PERSONAL_COLUMNS order, rows counted once).
 */
export async function eraseSubject(
  tx: Database,
  customerId: string,
  now: Date,
  dataMap: DataMap,
  policy: Policy,
): Promise<{ rows: number; tables: string[]; outcome: TableOutcome[] }> {
  let touched = 0;
  const tables: string[] = [];
  const outcome: TableOutcome[] = [];
  /** `changed`: rows the statement deleted or updated (held rows only counted, not changed, are not). */
  const record = (table: string, counts: Partial<Omit<TableOutcome, "table">>, changed: number) => {
    touched += changed;
    if (changed > 0) tables.push(table);
    outcome.push({ table, erased: 0, anonymised: 0, held: 0, heldBy: [], ...counts });
  };
  const byTable = new Map<string, PersonalColumn[]>();
  for (const c of personalColumns(dataMap)) {
    const columns = byTable.get(c.table);
    if (columns) columns.push(c);
    else byTable.set(c.table, [c]);
  }
  for (const [name, all] of byTable) {
    const info = tableInfo(name);
    if (!info.customerId) throw new Error(`erasure: ${name} has no customer_id column`);
    const ofSubject = eq(info.customerId, customerId);
    const columns = all.filter((c) => c.keptOnErasure === null);
    if (columns.length === 0) {
      // the tombstone's table: its row stays as it is (but for the status set below)
      const heldBy = [...new Set(all.map((c) => c.keptOnErasure!))].map((reason) => ({ rule: "tombstone", retention: null, reason }));
      record(name, { held: await tx.$count(info.table, ofSubject), heldBy }, 0);
      continue;
    }
    const plan = erasureOf(name);
    const held = columns.filter((c) => heldByLaw(policy, c.category));
    if (plan.action === "delete") {
      if (held[0]) throw new Error(`erasure: ${name} is deleted, but ${name}.${held[0].column} is under legal hold`);
      const erased = (await tx.delete(info.table).where(ofSubject).returning({ k: info.customerId })).length;
      record(name, { erased }, erased);
      continue;
    }
    const set: Record<string, null> = {};
    for (const { column, category } of columns) {
      if (heldByLaw(policy, category)) continue;
      const c = info.columns.get(column);
      if (!c) throw new Error(`erasure: ${name}.${column} is not a column`);
      set[c.key] = null;
    }
    const changed =
      Object.keys(set).length === 0
        ? 0
        : (
            await tx
              .update(info.table)
              .set(set as never)
              .where(ofSubject)
              .returning({ k: info.customerId })
          ).length;
    if (held.length === 0) record(name, { anonymised: changed }, changed);
    else
      record(name, { held: changed > 0 ? changed : await tx.$count(info.table, ofSubject), heldBy: legalHoldsOf(policy, held) }, changed);
  }
  for (const name of ERASED_LINK_TABLES) {
    const info = tableInfo(name);
    if (!info.customerId) throw new Error(`erasure: ${name} has no customer_id column`);
    const erased = (await tx.delete(info.table).where(eq(info.customerId, customerId)).returning({ k: info.customerId })).length;
    record(name, { erased }, erased);
  }
  const scrubbed = await tx
    .update(subjectRequests)
    .set({ detail: sql`${subjectRequests.detail} - 'corrections'` })
    .where(and(eq(subjectRequests.customerId, customerId), sql`${subjectRequests.detail} ? 'corrections'`))
    .returning({ id: subjectRequests.id });
  // always reclaimed: earlier completions and rejections left their corrections in old row versions
  record("subject_requests", { anonymised: scrubbed.length }, 0);
  tables.push("subject_requests");
  await tx.update(customers).set({ status: "erased", erasedAt: now }).where(eq(customers.id, customerId));
  return { rows: touched, tables, outcome };
}
