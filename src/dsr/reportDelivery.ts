/**
 * Delivery of an access or portability report. A report is delivered when its last page (no next
 * page) has been served while the request is verified, to its subject or to the privacy office, at
 * the end of a walk from the first page whose every page was read with its values (the report's
 * cursors carry that, sealed: reportCursor.ts);
 * the request records it once per reader (a `REPORT_DELIVERED:<reader>` event, state unchanged),
 * and cannot be completed before. Once completed, the subject still reads the report for
 * REPORT_READABLE_DAYS after the completion (the office no longer: it has delivered); after
 * that, the request answers to them as an unknown id.
 */
import type { SubjectRequestEventRow } from "./requestStore.js";

export const REPORT_READABLE_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

export type ReportReader = "subject" | "office";

const NOTE_PREFIX = "REPORT_DELIVERED:";

/** The event note recording that `reader` was served the report's last page. */
export function deliveredNote(reader: ReportReader): string {
  return `${NOTE_PREFIX}${reader}`;
}

/** Whether the events record a delivery (to `reader`, or to anyone). */
export function isDelivered(events: readonly Pick<SubjectRequestEventRow, "note">[], reader?: ReportReader): boolean {
  return events.some((e) => (reader === undefined ? e.note?.startsWith(NOTE_PREFIX) : e.note === deliveredNote(reader)));
}

/** Until when the subject reads the report of a request completed at `closedAt`. */
export function readableUntil(closedAt: Date): Date {
  return new Date(closedAt.getTime() + REPORT_READABLE_DAYS * DAY_MS);
}
