import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import { anyOf } from "../db/anyOf.js";
import type { Database } from "../db/client.js";
import { subjectRequestEvents, subjectRequests, type SubjectRequestRow } from "../db/schema/index.js";
import type { StoredDetail } from "./detail.js";
import { dueDate, type SubjectRequestKind, type SubjectRequestState } from "./transitions.js";

/** Who moved a request: from the caller, ids and kinds only. */
export interface Actor {
  kind: string;
  id: string;
}

export type SubjectRequestEventRow = typeof subjectRequestEvents.$inferSelect;

/** The predicate of the partial unique index subject_requests_one_open_idx. */
const OPEN = sql`${subjectRequests.state} in ('received', 'verified')`;

/** What filing did: the request filed, or the open request of the same kind about the same subject that stood in its way. */
export type Filing = { filed: SubjectRequestRow } | { openRequestId: string };

/**
 * Files a request (state received, due in 30 days) and its first event, in one transaction,
 * unless the subject already has an open (received or verified) request of this kind. The partial
 * unique index decides (`on conflict do nothing`): of two filed at once, one is filed and the
 * other finds it.
 */
export async function insertRequest(
  db: Database,
  input: { customerId: string; kind: SubjectRequestKind; detail: StoredDetail; actor: Actor; now?: Date },
): Promise<Filing> {
  const receivedAt = input.now ?? new Date();
  const filed = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(subjectRequests)
      .values({
        customerId: input.customerId,
        kind: input.kind,
        state: "received",
        detail: input.detail,
        receivedAt,
        dueAt: dueDate(receivedAt),
      })
      .onConflictDoNothing({ target: [subjectRequests.customerId, subjectRequests.kind], where: OPEN })
      .returning();
    if (!row) return null;
    await tx.insert(subjectRequestEvents).values({
      requestId: row.id,
      customerId: input.customerId,
      fromState: null,
      toState: "received",
      actorKind: input.actor.kind,
      actorId: input.actor.id,
      note: "FILED",
      at: receivedAt,
    });
    return row;
  });
  if (filed) return { filed };
  const [open] = await db
    .select({ id: subjectRequests.id })
    .from(subjectRequests)
    .where(and(eq(subjectRequests.customerId, input.customerId), eq(subjectRequests.kind, input.kind), OPEN));
  // Closed between the two statements: filing again finds the way free (or the next open one).
  return open ? { openRequestId: open.id } : insertRequest(db, input);
}

export async function requestById(db: Database, id: string, options: { forUpdate?: boolean } = {}): Promise<SubjectRequestRow | null> {
  const query = db.select().from(subjectRequests).where(eq(subjectRequests.id, id));
  const [row] = options.forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

export interface RequestFilter {
  customerId?: string | null;
  state?: SubjectRequestState | null;
  kind?: SubjectRequestKind | null;
}

/** Requests, newest first. */
export function findRequests(db: Database, filter: RequestFilter, limit: number) {
  const conditions: (SQL | undefined)[] = [
    filter.customerId ? eq(subjectRequests.customerId, filter.customerId) : undefined,
    filter.state ? eq(subjectRequests.state, filter.state) : undefined,
    filter.kind ? eq(subjectRequests.kind, filter.kind) : undefined,
  ];
  return db
    .select()
    .from(subjectRequests)
    .where(and(...conditions))
    .orderBy(desc(subjectRequests.receivedAt), desc(subjectRequests.id))
    .limit(limit);
}

/** Events of each request, oldest first. */
export function eventsOf(db: Database, requestIds: readonly string[]) {
  return db
    .select()
    .from(subjectRequestEvents)
    .where(anyOf(subjectRequestEvents.requestId, requestIds))
    .orderBy(asc(subjectRequestEvents.at), asc(subjectRequestEvents.id));
}

/**
 * Moves a locked request from `from` to `to` and writes the event. Call inside a transaction,
 * after `requestById(tx, id, { forUpdate: true })`. The state guard in the WHERE clause makes a
 * concurrent move fail rather than apply twice.
 */
export async function moveRequest(
  tx: Database,
  row: SubjectRequestRow,
  move: {
    to: SubjectRequestState;
    actor: Actor;
    note: string;
    detail?: StoredDetail;
    now?: Date;
  },
): Promise<SubjectRequestRow> {
  const now = move.now ?? new Date();
  const set: Partial<typeof subjectRequests.$inferInsert> = { state: move.to };
  if (move.to === "verified") set.verifiedAt = now;
  if (move.to === "completed" || move.to === "rejected") set.closedAt = now;
  if (move.detail) set.detail = move.detail;
  const [updated] = await tx
    .update(subjectRequests)
    .set(set)
    .where(and(eq(subjectRequests.id, row.id), eq(subjectRequests.state, row.state)))
    .returning();
  if (!updated) throw new Error("subject request changed state concurrently");
  await appendEvent(tx, row, { from: row.state as SubjectRequestState, to: move.to, actor: move.actor, note: move.note, at: now });
  return updated;
}

/** Writes one event of a request: a move, or a later step that leaves the state as it is (`from` = `to`). */
export async function appendEvent(
  db: Database,
  row: Pick<SubjectRequestRow, "id" | "customerId">,
  event: {
    from: SubjectRequestState;
    to: SubjectRequestState;
    actor: Actor;
    note: string;
    at: Date;
  },
): Promise<void> {
  await db.insert(subjectRequestEvents).values({
    requestId: row.id,
    customerId: row.customerId,
    fromState: event.from,
    toState: event.to,
    actorKind: event.actor.kind,
    actorId: event.actor.id,
    note: event.note,
    at: event.at,
  });
}
