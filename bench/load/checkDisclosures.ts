import { like, sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import { disclosureLog } from "../../src/db/schema/index.js";
import type { Tally } from "./createTally.js";

export interface DisclosureCheck {
  /** (request, subject) pairs the answers read, over every answered request. */
  expectedRecords: number;
  /** Records of those requests found in the log. */
  foundRecords: number;
  /** Expected pairs without a record. */
  lost: number;
  /** Records for a (request, subject) that the answer did not read. */
  unexpected: number;
  /** (request, subject) pairs with more than one record. */
  duplicated: number;
  /** Records of requests answered with an error status, or never sent: there must be none. */
  stray: number;
  /** Requests still in flight when the run ended, and the records they left (not checkable against an answer). */
  unanswered: { requests: number; records: number; duplicated: number };
}

/**
 * The disclosure log against what the load generator saw: exactly one record per (request,
 * subject) that read personal data (src/enforcement/disclosureRecords.ts writes one row per
 * subject a request touched, disclosed, masked, pseudonymised or withheld), none for a refused
 * request, none twice.
 */
export async function checkDisclosures(db: Database, tally: Tally, prefix: string): Promise<DisclosureCheck> {
  const rows = await db
    .select({ requestId: disclosureLog.requestId, customerId: disclosureLog.customerId, n: sql<number>`count(*)::int` })
    .from(disclosureLog)
    .where(like(disclosureLog.requestId, `${prefix}%`))
    .groupBy(disclosureLog.requestId, disclosureLog.customerId);
  const found = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const subjects = found.get(row.requestId) ?? new Map<string, number>();
    subjects.set(row.customerId, row.n);
    found.set(row.requestId, subjects);
  }
  const unansweredIds = new Set(tally.unanswered());
  const check: DisclosureCheck = {
    expectedRecords: 0,
    foundRecords: 0,
    lost: 0,
    unexpected: 0,
    duplicated: 0,
    stray: 0,
    unanswered: { requests: unansweredIds.size, records: 0, duplicated: 0 },
  };
  for (const [requestId, subjects] of tally.expected()) {
    const records = found.get(requestId) ?? new Map<string, number>();
    const want = new Set(subjects);
    check.expectedRecords += want.size;
    for (const subject of want) if (!records.has(subject)) check.lost++;
    for (const [subject, n] of records) {
      check.foundRecords += n;
      if (!want.has(subject)) check.unexpected += n;
      if (n > 1) check.duplicated++;
    }
    found.delete(requestId);
  }
  for (const [requestId, records] of found) {
    const n = [...records.values()].reduce((a, b) => a + b, 0);
    if (unansweredIds.has(requestId)) {
      check.unanswered.records += n;
      check.unanswered.duplicated += [...records.values()].filter((c) => c > 1).length;
    } else {
      // Answered but refused (no expectation recorded) or never sent: either way no record may exist.
      check.stray += n;
    }
  }
  return check;
}
