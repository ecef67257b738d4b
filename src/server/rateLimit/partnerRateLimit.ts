import type { ServerResponse } from "node:http";
import { eq, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { partnerGrants, rateLimitWindows } from "../../db/schema/index.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { Caller } from "../../policy/caller.js";
import type { Logger } from "../logger.js";

export interface RateLimitOutcome {
  allowed: boolean;
  /** The grant's requests per minute (0 when the grant is gone: nothing is allowed). */
  limit: number;
  /** Requests counted in this window, this one included. */
  count: number;
  /** Whole seconds until the next window opens (at least 1). */
  resetSeconds: number;
}

export interface PartnerRateLimiter {
  /** Counts one request of this partner key against its grant's requests per minute. */
  hit(caller: Extract<Caller, { kind: "partner" }>): Promise<RateLimitOutcome>;
}

/** The counter's key in `rate_limit_windows`: one per partner API key. */
export const rateLimitKey = (keyId: string) => `partner_key:${keyId}`;

/** How long windows are kept before cleaning; a window is one minute, so an hour is plenty for inspection. */
export const WINDOW_RETENTION_MS = 3_600_000;

/** Deletes counter windows older than `olderThanMs` (default an hour); returns how many. The purge job may call it too. */
export async function deleteStaleRateLimitWindows(db: Database, olderThanMs = WINDOW_RETENTION_MS): Promise<number> {
  const seconds = Math.max(0, Math.floor(olderThanMs / 1000));
  const rows = await db
    .delete(rateLimitWindows)
    .where(lt(rateLimitWindows.windowStart, sql`now() - make_interval(secs => ${seconds}::double precision)`))
    .returning({ key: rateLimitWindows.key });
  return rows.length;
}

/**
 * Fixed one-minute windows per partner key, shared by every replica through PostgreSQL. One
 * statement per request: the upsert increments the (key, minute) row atomically and returns the
 * new count, the grant's current `requests_per_minute` and the seconds left in the window, all on
 * the database's clock, so replicas with skewed clocks still share one window.
 *
 * The gateway hands it `DatabaseHandle.unflushed`: a key's requests all update one row, which
 * stays locked until its commit returns, so a commit that waited for the disk queued that key's
 * requests one flush each. A crash may lose the last moments of counts (a few requests' allowance).
 *
 * Every `cleanupEvery`-th request of this process also deletes windows older than an hour.
 */
export function createPartnerRateLimiter(deps: { db: Database; logger?: Logger; cleanupEvery?: number }): PartnerRateLimiter {
  const { db, logger } = deps;
  const cleanupEvery = deps.cleanupEvery ?? 100;
  let requests = 0;
  return {
    async hit(caller) {
      const windowStart = sql`date_trunc('minute', now())`;
      const [row] = await db
        .insert(rateLimitWindows)
        .values({ key: rateLimitKey(caller.keyId), windowStart, count: 1 })
        .onConflictDoUpdate({
          target: [rateLimitWindows.key, rateLimitWindows.windowStart],
          set: { count: sql`${rateLimitWindows.count} + 1` },
        })
        .returning({
          count: rateLimitWindows.count,
          limit: sql<
            number | null
          >`(select ${partnerGrants.requestsPerMinute} from ${partnerGrants} where ${eq(partnerGrants.id, caller.grant.id)})`,
          resetSeconds: sql<number>`greatest(1, ceil(extract(epoch from (${rateLimitWindows.windowStart} + interval '1 minute' - clock_timestamp()))))::int`,
        });
      if (cleanupEvery > 0 && ++requests % cleanupEvery === 0) {
        // Off the request's path; a failure only delays the cleaning.
        deleteStaleRateLimitWindows(db).catch((error: unknown) => {
          logger?.warn({ code: (error as { code?: unknown }).code }, "rate-limit window cleanup failed");
        });
      }
      const limit = Number(row?.limit ?? 0);
      const count = Number(row?.count ?? Number.POSITIVE_INFINITY);
      const resetSeconds = Math.max(1, Number(row?.resetSeconds ?? 60));
      return { allowed: count <= limit, limit, count, resetSeconds };
    },
  };
}

/**
 * For a partner caller, right after authentication: counts the request and sets the
 * `x-ratelimit-*` headers; over the limit it sets `Retry-After` and throws RATE_LIMITED (HTTP
 * 429), so nothing executes.
 */
export async function enforcePartnerRateLimit(limiter: PartnerRateLimiter, caller: Caller, res: ServerResponse): Promise<void> {
  if (caller.kind !== "partner") return;
  const outcome = await limiter.hit(caller);
  res.setHeader("x-ratelimit-limit", String(outcome.limit));
  res.setHeader("x-ratelimit-remaining", String(Math.max(0, outcome.limit - outcome.count)));
  res.setHeader("x-ratelimit-reset", String(outcome.resetSeconds));
  if (!outcome.allowed) {
    res.setHeader("retry-after", String(outcome.resetSeconds));
    throw new GatewayError(
      ErrorCode.RATE_LIMITED,
      `Rate limit exceeded: this API key's grant allows ${outcome.limit} requests per minute. Retry after ${outcome.resetSeconds} seconds.`,
      { limit: outcome.limit, retryAfterSeconds: outcome.resetSeconds },
    );
  }
}
