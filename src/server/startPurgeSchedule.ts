import type { Database } from "../db/client.js";
import { databaseErrorCode } from "../db/isDatabaseUnavailable.js";
import type { PersonalColumn } from "../datamap/columns.js";
import { purge, PurgeNotRun } from "../retention/purge.js";
import type { Policy } from "../policy/policy.js";
import type { Logger } from "./logger.js";

export interface PurgeSchedule {
  /** No further runs; resolves once a run under way has finished. */
  stop(): Promise<void>;
}

/** A run that found another purge holding the lock tries again after this share of the interval (at most a minute). */
const RETRY_SHARE = 4;
const MAX_RETRY_MS = 60_000;

/**
 * The retention purge inside the server: time is cut into slots of `intervalMs` counted from the
 * Unix epoch (daily: each UTC day), and each slot gets one run, recorded in `purge_runs` as any
 * other. A run is tried at start-up (a slot missed while no server ran is caught up) and at each
 * slot's start. Replicas on one PostgreSQL server all try; the purge's advisory lock and its slot
 * check (src/retention/purge.ts) let one run and the others find it done. When another purge
 * holds the lock (a replica's, or one through the API) the try is repeated shortly, since that
 * one may have been a dry run. A failure is logged (driver code and counts only) and the next
 * slot tries again.
 */
export function startPurgeSchedule(options: {
  db: Database;
  columns: readonly PersonalColumn[];
  intervalMs: number;
  logger: Logger;
  /** The policy in force, read at each run (a reload changes the next run's schedule). */
  policy: () => Policy;
}): PurgeSchedule {
  const { db, columns, intervalMs, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const schedule = (delayMs: number) => {
    if (!stopped)
      timer = setTimeout(() => {
        running = tick();
      }, delayMs).unref();
  };
  const untilNextSlot = () => intervalMs - (Date.now() % intervalMs);

  async function tick(): Promise<void> {
    const now = new Date();
    const start = new Date(now.getTime() - (now.getTime() % intervalMs));
    const slot = { start, end: new Date(start.getTime() + intervalMs) };
    try {
      const report = await purge(db, { now, columns, slot, policy: options.policy() });
      const sum = (key: "deleted" | "anonymised" | "held") => report.tables.reduce((n, t) => n + t[key], 0);
      const counts = {
        runId: report.runId,
        deleted: sum("deleted"),
        anonymised: sum("anonymised"),
        held: sum("held"),
        partitionsDropped: report.disclosureLog.partitionsDropped.length,
        disclosureLogDeferred: report.disclosureLog.deferred,
      };
      if (report.storage?.failure) {
        logger.error(
          { ...counts, code: report.storage.failure },
          "retention purge applied, but reclaiming the changed tables' storage failed; the next run that changes them reclaims them",
        );
      } else {
        logger.info(counts, "retention purge ran");
      }
      schedule(untilNextSlot());
    } catch (error) {
      if (error instanceof PurgeNotRun && error.reason === "in_progress") {
        logger.info({ reason: error.reason }, "retention purge: another purge is running; trying again shortly");
        schedule(Math.min(intervalMs / RETRY_SHARE, MAX_RETRY_MS));
        return;
      }
      if (error instanceof PurgeNotRun) {
        logger.info({ reason: error.reason }, "retention purge: this slot's run is done");
      } else {
        logger.error({ code: databaseErrorCode(error) }, "retention purge failed; the next slot tries again");
      }
      schedule(untilNextSlot());
    }
  }

  running = tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
