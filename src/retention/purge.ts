/**
 * The retention purge: applies RETENTION (src/policy/retention.ts) to every table that holds
 * personal data, in one transaction, and records what it did in `purge_runs` (counts only).
 *
 * For each table of PURGE_TABLES and each category among its personal columns (PERSONAL_COLUMNS
 * plus the data map), the category's rule decides:
 * - `keep` (life of the account): nothing; erasure is what ends it;
 * - `delete`: the rows go when the category is what the row records (a visit, a message, a
 *   purchase, a consent event), otherwise the category's columns are set to null;
 * - `nullify`: the category's columns are set to null, the row stays (a location fix);
 * - `anonymize`: the values are replaced by their mask (an IP address truncated by `truncateIp`).
 * A row is due when its ageing column (PURGE_TABLES) is older than the rule's cutoff, or, for the
 * relationship clock, when its subject was erased before the cutoff.
 *
 * Idempotent: cutoffs are drawn from the start of `now`'s UTC day, deletions leave nothing to
 * delete, nulling touches only rows with a value left, and anonymising only rows whose value its
 * mask would change (every mask used here is a fixed point on its own output). A second run the
 * same day therefore changes nothing.
 *
 * Subjects under restriction (`customers.status = 'restricted'`) are held: restricted data may be
 * stored but not erased while the restriction lasts (GDPR art. 18), so their due rows are counted
 * as `held` and left alone. Erased subjects' tombstones keep their legal-hold rows (purchases,
 * preferences, consent events: src/dsr/erasurePlan.ts) until the hold itself expires: the purge
 * follows the schedule and nothing else.
 *
 * Last, in the same transaction, the disclosure log's own retention (purgeDisclosureLog.ts).
 *
 * One purge at a time per database, across processes and replicas: its transaction first takes
 * a PostgreSQL advisory lock (PURGE_LOCK_KEY, held to the commit) and, when another purge holds
 * it, runs nothing (PurgeNotRun `in_progress`). The schedule passes its slot and runs nothing
 * when a run is already recorded in it (`already_ran`): checked under the lock, after the other
 * replica's commit, so each slot has one run however many replicas tick.
 *
 * After the commit, the tables whose rows it deleted or changed (the log's default partition
 * included) are reclaimed (src/db/reclaimDeletedValues.ts), so that what it removed leaves the
 * database's files too, and the outcome is added to the run's record as `storage`. A failed
 * reclaim leaves the purge applied; the report says so and the next run that changes those tables
 * reclaims them whole.
 */
import { eq, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { countOf } from "../db/countOf.js";
import { reclaimDeletedValues, type Reclaim } from "../db/reclaimDeletedValues.js";
import { rowsOf } from "../db/rowsOf.js";
import { purgeRuns } from "../db/schema/index.js";
import { dbColumn, type PersonalColumn } from "../datamap/columns.js";
import { assertNever } from "../policy/assertNever.js";
import { categoryLineage, matchesPrefix, type Category } from "../policy/categories.js";
import { maskEmail, maskFirstCharLength, maskInitials, redact, roundCoordinateText, truncateIp, type MaskKind } from "../policy/masks.js";
import { retentionCutoff, retentionFor, summarizeRetention } from "../policy/retention.js";
import type { Policy } from "../policy/policy.js";
import { heldByRestriction } from "./heldByRestriction.js";
import { DISCLOSURE_LOG_DEFAULT_PARTITION, purgeDisclosureLog, type DisclosureLogPurge } from "./purgeDisclosureLog.js";
import { PURGE_TABLES } from "./tables.js";

export type PurgeActionKind = "delete_rows" | "null_columns" | "anonymize";

/** One rule applied to one table. Counts only, never a value. */
export interface PurgeAction {
  table: string;
  category: Category;
  /** The policy's retention key that governs the category. */
  retentionKey: string;
  retention: string;
  action: PurgeActionKind;
  columns: string[];
  /** Values collected (or closed, or subjects erased) before this instant were due. */
  cutoff: string;
  /** Rows deleted. */
  deleted: number;
  /** Rows whose values were nulled or masked. */
  anonymised: number;
  /** Rows due but left alone because their subject is under restriction. */
  held: number;
}

export interface PurgeTableReport {
  table: string;
  deleted: number;
  anonymised: number;
  held: number;
}

export interface PurgeReport {
  /** The `purge_runs` row written (null on a dry run). */
  runId: string | null;
  ranAt: string;
  dryRun: boolean;
  policyVersion: string;
  /** Every table of PURGE_TABLES, zeros included. */
  tables: PurgeTableReport[];
  actions: PurgeAction[];
  /** The disclosure log's own retention (src/retention/purgeDisclosureLog.ts). */
  disclosureLog: DisclosureLogPurge;
  /** What was reclaimed from the database's files after the commit; null when nothing changed (and on a dry run). */
  storage: Reclaim | null;
}

export interface PurgeOptions {
  now: Date;
  /** The personal columns with their categories (`personalColumns(getDataMap(schema))`). */
  columns: readonly PersonalColumn[];
  /** Compute the report, write nothing (the transaction is rolled back). */
  dryRun?: boolean;
  /** The policy whose retention schedule applies (its version goes to the report). */
  policy: Policy;
  /** The schedule's slot: run nothing (PurgeNotRun `already_ran`) when a run is recorded in [start, end). */
  slot?: { start: Date; end: Date };
}

/** The advisory lock key that one purge at a time holds (an arbitrary constant: "purgerun" in ASCII). */
export const PURGE_LOCK_KEY = 0x7075726765_72756en;

/** Why a purge ran nothing: another is running, or the schedule's slot already has its run. */
export class PurgeNotRun extends Error {
  override readonly name = "PurgeNotRun";
  constructor(readonly reason: "in_progress" | "already_ran") {
    super(
      reason === "in_progress" ? "another retention purge is running on this database" : "the retention purge already ran in this slot",
    );
  }
}

type Executor = Pick<Database, "execute">;

interface PlannedAction {
  table: string;
  key: string;
  category: Category;
  retentionKey: string;
  retention: string;
  action: PurgeActionKind;
  columns: PersonalColumn[];
  mask: MaskKind | null;
  cutoff: Date;
  /** SQL: the row (alias `t`) is due under the rule. */
  due: SQL;
}

/** Rows read per page when anonymising in application code. */
const PAGE = 2000;

const id = (name: string) => sql.identifier(name);
const col = (name: string) => sql`t.${id(name)}`;

/** A PostgreSQL array literal of text (NULL for null), passed as one parameter. */
function textArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? "NULL" : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(",")}}`;
}

/**
 * The anonymised form of a value under `mask`. Only masks that are a fixed point on their own
 * output may anonymise (so a second run changes nothing); `applyMask` would not do, since it
 * redacts a value already in masked form.
 */
function anonymizer(mask: MaskKind): (value: string) => string | null {
  switch (mask) {
    case "IP_TRUNCATE":
      return truncateIp;
    case "ROUND_COORDINATE":
      return roundCoordinateText;
    case "EMAIL":
      return maskEmail;
    case "INITIALS":
      return maskInitials;
    case "FIRST_CHAR_LENGTH":
      return maskFirstCharLength;
    case "REDACT":
      return redact;
    case "WITHHOLD":
      return () => null;
    case "KEEP":
    case "LAST_TWO":
    case "LAST_FOUR":
      throw new Error(`retention: mask ${mask} cannot anonymise (not a fixed point on its own output)`);
    default:
      return assertNever(mask, "mask kind");
  }
}

/** The column that ages `category` in `table`: the most specific `agedBy` prefix that covers it. */
function ageingColumn(table: string, category: Category): string {
  const agedBy = PURGE_TABLES[table]?.agedBy ?? {};
  for (const key of categoryLineage(category)) {
    const column = agedBy[key];
    if (column !== undefined) return column;
  }
  throw new Error(`retention: nothing ages ${category} in ${table} (add it to src/retention/tables.ts)`);
}

/** The actions the schedule calls for on `now`'s day, row deletions first in each table. */
export function planPurge(policy: Policy, columns: readonly PersonalColumn[], now: Date): PlannedAction[] {
  const plans: PlannedAction[] = [];
  const byTable = new Map<string, PersonalColumn[]>();
  for (const c of columns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);

  for (const [table, tableColumns] of byTable) {
    const config = PURGE_TABLES[table];
    if (!config) throw new Error(`retention: table ${table} holds personal data but is not in src/retention/tables.ts`);
    if (!dbColumn(table, config.key)) throw new Error(`retention: ${table}.${config.key} does not exist`);
    const categories = [...new Set(tableColumns.map((c) => c.category))];
    const tablePlans: PlannedAction[] = [];
    for (const category of categories) {
      const rule = retentionFor(policy, category);
      if (!rule) throw new Error(`retention: category ${category} (${table}) has no retention rule`);
      if (rule.action.kind === "keep" || rule.clock === "account_life" || rule.period === null) continue;
      const cutoff = retentionCutoff(now, rule.period);
      const at = sql`${cutoff.toISOString()}::timestamptz`;
      let due: SQL;
      switch (rule.clock) {
        case "collection":
        case "closure": {
          const column = ageingColumn(table, category);
          if (!dbColumn(table, column)) throw new Error(`retention: ${table}.${column} does not exist`);
          due = sql`${col(column)} < ${at}`;
          break;
        }
        case "relationship_end":
          due = sql`exists (select 1 from customers c where c.id = t.customer_id and c.erased_at < ${at})`;
          break;
        default:
          return assertNever(rule.clock, "retention clock");
      }
      let action: PurgeActionKind;
      switch (rule.action.kind) {
        case "delete":
          action = config.row !== null && matchesPrefix(category, config.row) ? "delete_rows" : "null_columns";
          break;
        case "nullify":
          action = "null_columns";
          break;
        case "anonymize":
          action = "anonymize";
          break;
        default:
          return assertNever(rule.action, "retention action");
      }
      const own = tableColumns.filter((c) => c.category === category);
      if (action === "null_columns") {
        const required = own.find((c) => c.notNull);
        if (required) throw new Error(`retention: ${table}.${required.column} is NOT NULL and cannot be nulled for ${category}`);
      }
      tablePlans.push({
        table,
        key: config.key,
        category,
        retentionKey: rule.key,
        retention: summarizeRetention(rule),
        action,
        columns: own,
        mask: rule.action.kind === "anonymize" ? rule.action.mask : null,
        cutoff,
        due,
      });
    }
    tablePlans.sort((a, b) => Number(b.action === "delete_rows") - Number(a.action === "delete_rows"));
    plans.push(...tablePlans);
  }
  return plans;
}

const HELD = heldByRestriction("t");

function anyNotNull(columns: readonly PersonalColumn[]): SQL {
  return sql.join(
    columns.map((c) => sql`${col(c.column)} is not null`),
    sql` or `,
  );
}

async function apply(db: Executor, plan: PlannedAction): Promise<PurgeAction> {
  const table = id(plan.table);
  const pending = plan.action === "delete_rows" ? sql`true` : sql`(${anyNotNull(plan.columns)})`;
  const held = await countOf(db, sql`select count(*)::int as n from ${table} t where ${plan.due} and ${pending} and ${HELD}`);
  let deleted = 0;
  let anonymised = 0;
  switch (plan.action) {
    case "delete_rows":
      deleted = await countOf(
        db,
        sql`
        with d as (delete from ${table} t where ${plan.due} and not ${HELD} returning 1)
        select count(*)::int as n from d`,
      );
      break;
    case "null_columns": {
      const sets = sql.join(
        plan.columns.map((c) => sql`${id(c.column)} = null`),
        sql`, `,
      );
      anonymised = await countOf(
        db,
        sql`
        with u as (update ${table} t set ${sets} where ${plan.due} and ${pending} and not ${HELD} returning 1)
        select count(*)::int as n from u`,
      );
      break;
    }
    case "anonymize":
      anonymised = await anonymize(db, plan, pending);
      break;
    default:
      return assertNever(plan.action, "purge action");
  }
  return {
    table: plan.table,
    category: plan.category,
    retentionKey: plan.retentionKey,
    retention: plan.retention,
    action: plan.action,
    columns: plan.columns.map((c) => c.column),
    cutoff: plan.cutoff.toISOString(),
    deleted,
    anonymised,
    held,
  };
}

/** Masks the due values page by page in application code (the masks live in the policy). */
async function anonymize(db: Executor, plan: PlannedAction, pending: SQL): Promise<number> {
  const mask = anonymizer(plan.mask as MaskKind);
  const table = id(plan.table);
  const key = id(plan.key);
  const selected = sql.join(
    plan.columns.map((c, i) => sql`${col(c.column)}::text as ${id(`c${i}`)}`),
    sql`, `,
  );
  let after = "00000000-0000-0000-0000-000000000000";
  let changed = 0;
  for (;;) {
    const page = rowsOf<Record<string, string | null>>(
      await db.execute(sql`
      select t.${key}::text as k, ${selected} from ${table} t
      where ${plan.due} and ${pending} and not ${HELD} and t.${key} > ${after}::uuid
      order by t.${key} limit ${PAGE}`),
    );
    if (page.length === 0) break;
    after = page[page.length - 1]?.k as string;
    const keys: string[] = [];
    const values: (string | null)[][] = plan.columns.map(() => []);
    for (const row of page) {
      const next = plan.columns.map((_, i) => {
        const value = row[`c${i}`] ?? null;
        return value === null ? null : mask(value);
      });
      if (next.every((v, i) => v === (row[`c${i}`] ?? null))) continue;
      keys.push(row.k as string);
      next.forEach((v, i) => values[i]?.push(v));
    }
    if (keys.length > 0) {
      const sets = sql.join(
        plan.columns.map((c, i) => sql`${id(c.column)} = v.${id(`c${i}`)}::${sql.raw(c.sqlType)}`),
        sql`, `,
      );
      const unnested = sql.join(
        plan.columns.map((_, i) => sql`unnest(${textArray(values[i] ?? [])}::text[]) as ${id(`c${i}`)}`),
        sql`, `,
      );
      await db.execute(sql`
        update ${table} t set ${sets}
        from (select unnest(${textArray(keys)}::text[])::uuid as k, ${unnested}) v
        where t.${key} = v.k`);
      changed += keys.length;
    }
    if (page.length < PAGE) break;
  }
  return changed;
}

function summarizeTables(actions: readonly PurgeAction[]): PurgeTableReport[] {
  return Object.keys(PURGE_TABLES).map((table) => {
    const own = actions.filter((a) => a.table === table);
    return {
      table,
      deleted: own.reduce((n, a) => n + a.deleted, 0),
      anonymised: own.reduce((n, a) => n + a.anonymised, 0),
      held: own.reduce((n, a) => n + a.held, 0),
    };
  });
}

class DryRunRollback extends Error {
  constructor(readonly report: PurgeReport) {
    super("dry run");
  }
}

/**
 * Databases a purge is running on in this process. On PGlite (one connection) a second purge
 * would not meet the first's advisory lock, which is its own session's, but queue behind it and
 * then run again: refused here first, as another process's purge is refused by the lock.
 */
const running = new WeakSet<Database>();

/**
 * Applies the retention schedule as of `now`, in one transaction, and returns what it did per
 * table. Writes the report to `purge_runs` unless `dryRun`, which rolls everything back.
 */
export async function purge(db: Database, options: PurgeOptions): Promise<PurgeReport> {
  if (running.has(db)) throw new PurgeNotRun("in_progress");
  running.add(db);
  try {
    return await purgeOnce(db, options);
  } finally {
    running.delete(db);
  }
}

async function purgeOnce(db: Database, options: PurgeOptions): Promise<PurgeReport> {
  const { now, columns, dryRun = false, slot, policy } = options;
  if (Number.isNaN(now.getTime())) throw new RangeError("purge: now is not a valid date");
  const plans = planPurge(policy, columns, now);
  let report: PurgeReport;
  try {
    report = await db.transaction(async (tx) => {
      if (!(await countOf(tx, sql`select pg_try_advisory_xact_lock(${sql.raw(String(PURGE_LOCK_KEY))})::int as n`))) {
        throw new PurgeNotRun("in_progress");
      }
      if (
        slot &&
        (await countOf(
          tx,
          sql`select count(*)::int as n from ${purgeRuns}
        where ${purgeRuns.ranAt} >= ${slot.start.toISOString()}::timestamptz and ${purgeRuns.ranAt} < ${slot.end.toISOString()}::timestamptz`,
        ))
      ) {
        throw new PurgeNotRun("already_ran");
      }
      const actions: PurgeAction[] = [];
      for (const plan of plans) actions.push(await apply(tx, plan));
      // Last: dropping a log partition locks the log until this transaction commits.
      const disclosureLog = await purgeDisclosureLog(tx, now, policy);
      const report: PurgeReport = {
        runId: null,
        ranAt: now.toISOString(),
        dryRun,
        policyVersion: policy.version,
        tables: summarizeTables(actions),
        actions,
        disclosureLog,
        storage: null,
      };
      if (dryRun) throw new DryRunRollback(report);
      const { runId: _none, ...stored } = report;
      const [row] = await tx
        .insert(purgeRuns)
        .values({ ranAt: now, report: stored as unknown as Record<string, unknown> })
        .returning({ id: purgeRuns.id });
      return { ...report, runId: row?.id ?? null };
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.report;
    throw error;
  }
  const changed = report.tables.filter((t) => t.deleted + t.anonymised > 0).map((t) => t.table);
  if (report.disclosureLog.recordsDeleted > 0) changed.push(DISCLOSURE_LOG_DEFAULT_PARTITION);
  if (changed.length === 0 || report.runId === null) return report;
  // After the commit: VACUUM cannot run inside a transaction.
  const storage = await reclaimDeletedValues(db, changed);
  await db
    .update(purgeRuns)
    .set({ report: sql`${purgeRuns.report} || ${JSON.stringify({ storage })}::jsonb` })
    .where(eq(purgeRuns.id, report.runId));
  return { ...report, storage };
}
