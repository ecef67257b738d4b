import type { Database } from "../db/client.js";
import type { DisclosureRow } from "../db/schema/index.js";
import { writeDisclosures } from "./disclosureRecords.js";

/** Writes one request's disclosure records; resolves once they are committed. */
export type DisclosureWrite = (db: Database, rows: DisclosureRow[]) => Promise<void>;

interface Pending {
  db: Database;
  rows: DisclosureRow[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the disclosure log. One insert is in flight at a time; the requests whose
 * records arrive meanwhile are written together, in one statement and one commit, as soon as it
 * completes. Alone, a request writes at once, as before; under load a handful of requests share
 * one insert and one WAL flush instead of each paying its own (the write was most of what the
 * guarded `me` cost over the unguarded one: bench/RESULTS.md).
 *
 * Each write resolves only once its own rows are committed and rejects if they were not, so an
 * answer still never leaves before its record (the plugin fails closed on a rejection). A batch
 * that fails is split: each request's rows are written again on their own, so one request's
 * faulty record cannot withhold the other answers, while an unreachable database fails them all.
 * A batch's statement runs through the database handle of its first request (counted in that
 * request's statements).
 *
 * Options: `insert`, the statement (default writeDisclosures: one `unnest` insert, sending each
 * field set's lists once per gateway, see there); `maxRows`,
 * the most rows one batch writes (default 5,000; a single request's rows are never split).
 */
export function createDisclosureWriter(options: { insert?: DisclosureWrite; maxRows?: number } = {}): DisclosureWrite {
  const storedSets = new Set<string>(); // field sets this writer knows are stored: see writeDisclosures
  const write: DisclosureWrite = options.insert ?? ((db, rows) => writeDisclosures(db, rows, storedSets));
  // A statement that throws instead of rejecting must not stop the queue.
  const insert: DisclosureWrite = (db, rows) => {
    try {
      return write(db, rows);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const maxRows = options.maxRows ?? 5000;
  let queue: Pending[] = [];
  let writing = false;

  const settle = (pending: Pending, written: Promise<void>) => written.then(pending.resolve, pending.reject);

  const writeBatch = async (batch: Pending[]) => {
    const [first] = batch as [Pending, ...Pending[]];
    if (batch.length === 1) return settle(first, insert(first.db, first.rows));
    try {
      await insert(
        first.db,
        batch.flatMap((p) => p.rows),
      );
    } catch {
      return void (await Promise.all(batch.map((p) => settle(p, insert(p.db, p.rows)))));
    }
    for (const p of batch) p.resolve();
  };

  const drain = async () => {
    writing = true;
    while (queue.length > 0) {
      let taken = 1;
      let rows = queue[0]!.rows.length;
      while (taken < queue.length && rows + queue[taken]!.rows.length <= maxRows) rows += queue[taken++]!.rows.length;
      const batch = queue.slice(0, taken);
      queue = queue.slice(taken);
      await writeBatch(batch);
    }
    writing = false;
  };

  return (db, rows) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ db, rows, resolve, reject });
      if (!writing) void drain();
    });
}
