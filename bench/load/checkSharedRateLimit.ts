import { eq, sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import { rowsOf } from "../../src/db/rowsOf.js";
import { partnerGrants } from "../../src/db/schema/index.js";

export interface SharedRateLimitCheck {
  limit: number;
  sent: number;
  /** Answers per replica (by index): allowed (200) and refused (429). */
  perReplica: { allowed: number; refused: number }[];
  /** Every allowed answer's `x-ratelimit-remaining`, in the order sent: one count for all replicas steps it down by one. */
  remainingInOrder: boolean;
  ok: boolean;
}

const QUERY = JSON.stringify({ query: "query Grant @purpose(name: ADVERTISING) { myGrant { requestsPerMinute } }" });

/**
 * The partner rate limit counted once for every replica: with the grant set to `limit` requests
 * per minute, `2 * limit` requests sent one at a time, in turn to each replica, within one window
 * get exactly `limit` answers and `limit` refusals (429 RATE_LIMITED) in all, every replica among
 * both, and the allowed answers' `x-ratelimit-remaining` counts down by one across replicas.
 * Starts after a window boundary when fewer than 10 s of the current window are left.
 */
export async function checkSharedRateLimit(options: {
  db: Database;
  urls: string[];
  partnerId: string;
  apiKey: string;
  limit: number;
}): Promise<SharedRateLimitCheck> {
  const { db, urls, limit } = options;
  await db.update(partnerGrants).set({ requestsPerMinute: limit }).where(eq(partnerGrants.partnerId, options.partnerId));
  const [left] = rowsOf<{ seconds: number }>(
    await db.execute(
      sql`select ceil(extract(epoch from (date_trunc('minute', now()) + interval '1 minute' - clock_timestamp())))::int as seconds`,
    ),
  );
  const seconds = Number(left?.seconds ?? 60);
  if (seconds < 10) await new Promise((r) => setTimeout(r, (seconds + 1) * 1000));

  const perReplica = urls.map(() => ({ allowed: 0, refused: 0 }));
  const remaining: number[] = [];
  let other = 0;
  const sent = 2 * limit;
  for (let i = 0; i < sent; i++) {
    const replica = i % urls.length;
    const res = await fetch(urls[replica]!, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": options.apiKey },
      body: QUERY,
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    if (res.status === 200 && !body.errors) {
      perReplica[replica]!.allowed++;
      remaining.push(Number(res.headers.get("x-ratelimit-remaining")));
    } else if (res.status === 429 && body.errors?.[0]?.extensions?.code === "RATE_LIMITED") {
      perReplica[replica]!.refused++;
    } else {
      other++;
    }
  }
  const remainingInOrder = remaining.every((r, i) => r === limit - 1 - i);
  const allowed = perReplica.reduce((n, r) => n + r.allowed, 0);
  const ok = other === 0 && allowed === limit && remainingInOrder && perReplica.every((r) => r.allowed > 0 && r.refused > 0);
  return { limit, sent, perReplica, remainingInOrder, ok };
}
