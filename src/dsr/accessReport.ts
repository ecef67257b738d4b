import { and, asc, count, eq, gt, max, sql } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { customers, disclosureLog } from "../db/schema/index.js";
import type { AnswerPath, RequestEnforcement } from "../enforcement/createRequestEnforcement.js";
import { IDENTIFIER_FIELDS, SUBJECT_ROOT_TYPE } from "../enforcement/unclassifiedFields.js";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import { matrixCell, type Effect } from "../policy/matrix.js";
import type { Policy } from "../policy/policy.js";
import { PURPOSES, type Purpose } from "../policy/purposes.js";
import { personalColumns, tableInfo, type PersonalColumn, type TableInfo } from "./personalTables.js";
import { decodeReportCursor, encodeReportCursor, type ReportCursor } from "./reportCursor.js";
import { retentionOf } from "./retention.js";
import { sourceOf } from "./sources.js";

/** One personal value held about the subject, as the report releases it (or why it does not). */
export interface ReportEntry {
  /** GraphQL coordinate (`Profile.email`); null for a column deliberately never exposed. */
  coordinate: string | null;
  table: string;
  column: string;
  category: string | null;
  /** The row's id (`id`, or the subject id for one-row-per-subject tables). */
  rowId: string;
  /** The value as released: as stored, masked or pseudonymised per the decision; null when withheld. */
  value: unknown;
  withheld: boolean;
  effect: Effect;
  /** ALLOWED, MASKED, ... or why it was withheld (ERASED, NO_SAFE_FORM, NOT_DISCLOSED, ...). */
  reasonCode: string;
  /** Purposes the policy matrix lets use this category at all. */
  purposes: Purpose[];
  retention: string;
  source: string;
  /** For a column never exposed: why. */
  note: string | null;
}

/** Who received the subject's data (from the disclosure log): kinds and roles, never a name. */
export interface Recipient {
  callerKind: string;
  role: string;
  /** Set for a partner. */
  partnerId: string | null;
  purposes: string[];
  lastDisclosedAt: Date;
}

/** One table of the subject's data in the report: how many rows it holds there. */
export interface ReportSection {
  table: string;
  source: string;
  rows: number;
}

export interface SubjectReport {
  requestId: string;
  subjectId: string;
  /** The subject's status as decided for the reader (`Customer.status`), null when withheld or not asked for. */
  subjectStatus: "active" | "restricted" | "erased" | null;
  generatedAt: Date;
  policyVersion: string;
  /** Every table of the subject's data with its row count, on every page. */
  sections: ReportSection[];
  /** The values of this page's rows. */
  entries: ReportEntry[];
  recipients: Recipient[];
  /**
   * `endCursor` continues the report after this page's last row; no next page: the report is
   * complete. `delivered`: this is the last page and every page to it was served with values.
   */
  page: { hasNextPage: boolean; endCursor: string | null; delivered: boolean };
}

/**
 * Rows (not values) per page when the caller does not say, and the most one page may hold. 500
 * rows with every entry field stay under the default query cost limit (src/server/limits: the
 * cost model counts about ten values per row); a caller selecting fewer fields may ask for more.
 */
export const REPORT_PAGE_ROWS = 500;
export const MAX_REPORT_PAGE_ROWS = 5000;

/** Which rows a page holds: at most `first` rows, after the row of `after` (a cursor of an earlier page). */
export interface ReportPageRequest {
  first?: number;
  after?: string | null;
  /**
   * Whether the page's values are asked for (default true). When not, no value passes the
   * enforcement (nothing is disclosed or recorded: the entries say what is held and how it would
   * be decided), and the walk no longer counts as a delivery.
   */
  withValues?: boolean;
  /** Whether the subject's status is asked for (default true): decided and recorded as `Customer.status`. */
  withStatus?: boolean;
  /** Whether the subject's id is asked for (`subjectId`, default true): recorded as `Customer.id`. */
  withSubjectId?: boolean;
  /** Whether the entries' row ids are asked for (default true): recorded as the id field of each table's rows on the page. */
  withRowIds?: boolean;
}

/** The purposes that may use a category at all, from the matrix. */
export function purposesForCategory(policy: Policy, category: string | null): Purpose[] {
  if (category === null || !policy.categories.has(category)) return [];
  return PURPOSES.filter((p) => matrixCell(policy, p, category) !== "deny");
}

/** A value as text for the GraphQL report: strings as they are, dates in ISO 8601, the rest JSON. */
export function valueAsText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/** A value for the JSON export: dates in ISO 8601, the rest as it is. */
function valueAsJson(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * The identifier field a table's row ids leave as, and are recorded as: the subject's id where a
 * row is keyed by its subject (a profile, the customer row itself), else the id field of the type
 * its columns surface on (`accounts` -> `Account.id`). Anything else stops start-up: a row id
 * that no identifier field stands for could not be recorded.
 */
function rowIdFieldOf(info: TableInfo, columns: readonly PersonalColumn[]): string {
  if (info.rowId!.column === info.customerId) return `${SUBJECT_ROOT_TYPE}.id`;
  const types = new Set(columns.flatMap((c) => (c.coordinate === null ? [] : [c.coordinate.split(".")[0]!])));
  const ids = [...types].map((type) => `${type}.id`).filter((coordinate) => IDENTIFIER_FIELDS.has(coordinate));
  if (ids.length !== 1) throw new Error(`access report: no one id field stands for the rows of ${info.name}`);
  return ids[0]!;
}

/** The personal tables in report order, each with its personal columns and the id field of its rows. */
const REPORT_TABLES: readonly { info: TableInfo; columns: PersonalColumn[]; rowIdField: string }[] = (() => {
  const byTable = new Map<string, PersonalColumn[]>();
  for (const c of personalColumns()) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  return [...byTable].map(([table, columns]) => {
    const info = tableInfo(table);
    if (!info.customerId || !info.rowId) throw new Error(`access report: ${table} has no customer_id column`);
    return { info, columns, rowIdField: rowIdFieldOf(info, columns) };
  });
})();

/** Row counts of the subject per report table, in one statement. */
async function sectionsOf(db: Database, subjectId: string): Promise<ReportSection[]> {
  const [a, b, ...rest] = REPORT_TABLES.map(({ info }) =>
    db
      .select({ table: sql<string>`${info.name}::text`.as("table"), rows: count().as("rows") })
      .from(info.table)
      .where(eq(info.customerId!, subjectId)),
  );
  const counted = new Map((await unionAll(a!, b!, ...rest)).map((r) => [r.table, Number(r.rows)]));
  return REPORT_TABLES.map(({ info }) => ({ table: info.name, source: sourceOf(info.name), rows: counted.get(info.name) ?? 0 }));
}

/**
 * One page of every personal value held about the subject, found through PERSONAL_COLUMNS
 * (column -> coordinate) and the data map (coordinate -> category, mask): a new marked column
 * appears here with no change to this code. Each value passes the request's enforcement
 * (`apply`): the same decision, transform and disclosure record as any read, so a masked category
 * stays masked and the read is logged. The caller has checked the request (verified access or
 * portability).
 *
 * Paged by rows, in table order then row id order (keyset: `row id > cursor`, on the tables'
 * primary keys), so a subject with 100,000 visits is read and held a page at a time: one page
 * costs a bounded number of statements (at most one per table) and a bounded amount of memory,
 * whatever the subject holds. Walking the pages from no cursor to `hasNextPage: false` yields the
 * whole report.
 */
export async function buildSubjectReport(
  /** `at`: where the report stands in the answer; its values are recorded only if the answer still holds it. */
  deps: { db: Database; enforcement: RequestEnforcement; at?: AnswerPath },
  request: { id: string; customerId: string },
  pageRequest: ReportPageRequest = {},
): Promise<SubjectReport> {
  const { db, enforcement } = deps;
  const subjectId = request.customerId;
  const first = pageRequest.first ?? REPORT_PAGE_ROWS;
  if (!Number.isInteger(first) || first < 1 || first > MAX_REPORT_PAGE_ROWS) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `\`first\` must be from 1 to ${MAX_REPORT_PAGE_ROWS} rows.`);
  }
  const keys = enforcement.ids();
  const after = pageRequest.after
    ? decodeReportCursor(
        pageRequest.after,
        REPORT_TABLES.map((t) => t.info.name),
        keys,
        request.id,
      )
    : null;
  const withValues = (pageRequest.withValues ?? true) && (after?.withValues ?? true);
  const [subject] = await db.select({ status: customers.status }).from(customers).where(eq(customers.id, subjectId));
  if (!subject) throw new GatewayError(ErrorCode.NOT_FOUND, "The subject of this request no longer exists.");
  const sections = await sectionsOf(db, subjectId);

  const entries: ReportEntry[] = [];
  // The id fields of the rows whose entries are on this page: their ids leave with the entries.
  const rowIdFields = new Set<string>();
  let remaining = first;
  let end: ReportCursor | null = null;
  let hasNextPage = false;
  const start = after ? REPORT_TABLES.findIndex((t) => t.info.name === after.table) : 0;
  for (let i = start; i < REPORT_TABLES.length; i++) {
    const { info, columns, rowIdField } = REPORT_TABLES[i]!;
    if (sections[i]!.rows === 0) continue;
    if (remaining === 0) {
      hasNextPage = true;
      break;
    }
    const from = i === start && after ? after.rowId : null;
    const rowId = info.rowId!;
    const rows = (await db
      .select()
      .from(info.table)
      .where(and(eq(info.customerId!, subjectId), from ? gt(rowId.column, from) : undefined))
      .orderBy(asc(rowId.column))
      .limit(remaining + 1)) as Record<string, unknown>[];
    const taken = rows.slice(0, remaining);
    for (const row of taken) {
      const id = String(row[rowId.key]);
      for (const c of columns) {
        const key = info.columns.get(c.column)?.key;
        if (!key) throw new Error(`access report: ${info.name}.${c.column} is not a column`);
        const stored = row[key];
        if (stored === null || stored === undefined) continue;
        entries.push(await entryFor(enforcement, subjectId, c, id, stored, pageRequest.withValues ?? true, deps.at));
        rowIdFields.add(rowIdField);
      }
    }
    remaining -= taken.length;
    if (taken.length > 0) end = { table: info.name, rowId: String(taken.at(-1)![rowId.key]), withValues };
    if (rows.length > taken.length) {
      hasNextPage = true;
      break;
    }
  }

  // Ids are disclosures of their subject, whatever else the page holds: recorded where the report stands.
  const identified = (coordinate: string) => {
    const field = enforcement.dataMap.identifiers.get(coordinate);
    if (field === undefined) throw new Error(`access report: ${coordinate} is not an identifier field`);
    enforcement.identified(subjectId, field, deps.at);
  };
  if (pageRequest.withSubjectId ?? true) identified(`${SUBJECT_ROOT_TYPE}.id`);
  if (pageRequest.withRowIds ?? true) for (const coordinate of rowIdFields) identified(coordinate);

  return {
    requestId: request.id,
    subjectId,
    subjectStatus: (pageRequest.withStatus ?? true) ? await statusFor(enforcement, subjectId, subject.status, deps.at) : null,
    generatedAt: new Date(),
    policyVersion: enforcement.policy.version,
    sections: await leavingSections(enforcement, subjectId, sections),
    entries,
    recipients: await recipientsOf(db, subjectId),
    page: {
      hasNextPage,
      endCursor: end ? encodeReportCursor(end, keys, request.id) : after ? pageRequest.after! : null,
      delivered: !hasNextPage && withValues,
    },
  };
}

/** The subject's status as it leaves to this reader, decided and recorded like `Customer.status` in any read; null when withheld. */
async function statusFor(
  enforcement: RequestEnforcement,
  subjectId: string,
  status: SubjectReport["subjectStatus"],
  at: AnswerPath | undefined,
): Promise<SubjectReport["subjectStatus"]> {
  const field = enforcement.dataMap.fields.get(`${SUBJECT_ROOT_TYPE}.status`);
  if (field === undefined) throw new Error(`access report: ${SUBJECT_ROOT_TYPE}.status is not a personal field`);
  try {
    return (await enforcement.apply(subjectId, field, status, at)) as SubjectReport["subjectStatus"];
  } catch (error) {
    if (error instanceof GatewayError && error.code === ErrorCode.WITHHELD) return null;
    throw error;
  }
}

/**
 * The sections whose row counts may leave to this reader: a table's count tells that the subject
 * has rows there and how many, so it leaves only where some value of the table may (a restricted
 * subject's own tables, withheld, are left out). The values themselves are recorded as the pages
 * holding them are read.
 */
async function leavingSections(enforcement: RequestEnforcement, subjectId: string, sections: ReportSection[]): Promise<ReportSection[]> {
  const leaving: ReportSection[] = [];
  for (const [i, section] of sections.entries()) {
    for (const c of REPORT_TABLES[i]!.columns) {
      const field = c.coordinate === null ? undefined : enforcement.dataMap.fields.get(c.coordinate);
      if (field !== undefined && (await enforcement.decideFor(subjectId, field)).effect !== "deny") {
        leaving.push(section);
        break;
      }
    }
  }
  return leaving;
}

async function entryFor(
  enforcement: RequestEnforcement,
  subjectId: string,
  c: PersonalColumn,
  rowId: string,
  stored: unknown,
  withValue: boolean,
  at: AnswerPath | undefined,
): Promise<ReportEntry> {
  const base = {
    coordinate: c.coordinate,
    table: c.table,
    column: c.column,
    rowId,
    source: sourceOf(c.table),
    note: null as string | null,
  };
  const field = c.coordinate === null ? undefined : enforcement.dataMap.fields.get(c.coordinate);
  if (!field) {
    // Deliberately unexposed (a password hash, a bookkeeping reference): reported as held, never released.
    const category = c.unexposed?.category ?? null;
    return {
      ...base,
      category,
      value: null,
      withheld: true,
      effect: "deny",
      reasonCode: "NOT_DISCLOSED",
      purposes: purposesForCategory(enforcement.policy, category),
      retention: retentionOf(enforcement.policy, category),
      note: c.unexposed?.reason ?? "not exposed through the API",
    };
  }
  const common = {
    ...base,
    category: field.category,
    purposes: purposesForCategory(enforcement.policy, field.category),
    retention: retentionOf(enforcement.policy, field.category),
  };
  if (!withValue) {
    const decision = await enforcement.decideFor(subjectId, field);
    return { ...common, value: null, withheld: decision.effect === "deny", effect: decision.effect, reasonCode: decision.reason.code };
  }
  try {
    const value = await enforcement.apply(subjectId, field, stored, at);
    const decision = await enforcement.decideFor(subjectId, field);
    return { ...common, value, withheld: false, effect: decision.effect, reasonCode: decision.reason.code };
  } catch (error) {
    if (!(error instanceof GatewayError) || error.code !== ErrorCode.WITHHELD) throw error;
    const reason = typeof error.details.reason === "string" ? error.details.reason : "WITHHELD";
    return { ...common, value: null, withheld: true, effect: "deny", reasonCode: reason };
  }
}

/** Recipients from the disclosure log: distinct caller kind, role and partner; the subject's own reads left out. */
export async function recipientsOf(db: Database, subjectId: string): Promise<Recipient[]> {
  const rows = await db
    .select({
      callerKind: disclosureLog.callerKind,
      callerId: disclosureLog.callerId,
      role: disclosureLog.role,
      purpose: disclosureLog.purpose,
      last: max(disclosureLog.recordedAt),
    })
    .from(disclosureLog)
    .where(and(eq(disclosureLog.customerId, subjectId)))
    .groupBy(disclosureLog.callerKind, disclosureLog.callerId, disclosureLog.role, disclosureLog.purpose);
  const recipients = new Map<string, Recipient>();
  for (const r of rows) {
    if (r.callerKind === "customer" && r.callerId === subjectId) continue;
    const partnerId = r.callerKind === "partner" ? (r.callerId.split("/")[0] ?? null) : null;
    const key = `${r.callerKind}\u0000${r.role}\u0000${partnerId ?? ""}`;
    const last = r.last ? new Date(r.last) : new Date(0);
    const entry = recipients.get(key);
    if (!entry) {
      recipients.set(key, { callerKind: r.callerKind, role: r.role, partnerId, purposes: [r.purpose], lastDisclosedAt: last });
    } else {
      if (!entry.purposes.includes(r.purpose)) entry.purposes.push(r.purpose);
      if (last > entry.lastDisclosedAt) entry.lastDisclosedAt = last;
    }
  }
  return [...recipients.values()]
    .map((r) => ({ ...r, purposes: r.purposes.sort() }))
    .sort(
      (a, b) =>
        a.callerKind.localeCompare(b.callerKind) || a.role.localeCompare(b.role) || (a.partnerId ?? "").localeCompare(b.partnerId ?? ""),
    );
}

/** The same content as one machine-readable JSON document (portability), page by page like the report. */
export function portableDocument(report: SubjectReport): Record<string, unknown> {
  const tables: Record<string, Record<string, Record<string, unknown>>> = {};
  const withheld: { coordinate: string | null; table: string; column: string; rowId: string; reasonCode: string }[] = [];
  const categories: Record<string, { purposes: Purpose[]; retention: string }> = {};
  for (const e of report.entries) {
    if (e.category !== null) categories[e.category] ??= { purposes: e.purposes, retention: e.retention };
    if (e.withheld) {
      withheld.push({ coordinate: e.coordinate, table: e.table, column: e.column, rowId: e.rowId, reasonCode: e.reasonCode });
      continue;
    }
    const rows = (tables[e.table] ??= {});
    const row = (rows[e.rowId] ??= { source: e.source });
    row[e.coordinate ?? e.column] = valueAsJson(e.value);
  }
  return {
    format: "privacy-gateway/subject-export@1",
    requestId: report.requestId,
    subjectId: report.subjectId,
    subjectStatus: report.subjectStatus,
    generatedAt: report.generatedAt.toISOString(),
    policyVersion: report.policyVersion,
    sections: report.sections,
    page: { hasNextPage: report.page.hasNextPage, endCursor: report.page.endCursor },
    data: Object.fromEntries(
      Object.entries(tables).map(([table, rows]) => [table, Object.entries(rows).map(([rowId, fields]) => ({ rowId, ...fields }))]),
    ),
    entries: report.entries.map((e) => ({
      coordinate: e.coordinate,
      table: e.table,
      column: e.column,
      rowId: e.rowId,
      category: e.category,
      value: e.withheld ? null : valueAsJson(e.value),
      withheld: e.withheld,
      effect: e.effect,
      reasonCode: e.reasonCode,
      source: e.source,
    })),
    withheld,
    categories,
    recipients: report.recipients.map((r) => ({ ...r, lastDisclosedAt: r.lastDisclosedAt.toISOString() })),
  };
}
