import type { Workload } from "./Workload.js";
import { at, list, json } from "./Workload.js";

/** Rows (not values) per page of the report the workload reads: 500 visits x 8 columns keeps the operation within the default MAX_COST. */
export const REPORT_PAGE = 500;

const QUERY = `query AccessReport($requestId: ID!, $first: Int!, $after: String) @purpose(name: SUBJECT_REQUEST) {
  accessReport(requestId: $requestId, first: $first, after: $after) {
    requestId subjectId subjectStatus generatedAt policyVersion
    sections { table source rows }
    entries { coordinate category table column rowId value withheld effect reasonCode purposes retention source note }
    recipients { callerKind role partnerId purposes lastDisclosedAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface ReportPage {
  entries: { table: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Reads the whole report page by page, one request at a time (as a client would), and returns the
 * `after` cursor of the first page made of visits only, the number of pages and the wall time.
 */
export async function readWholeReport(
  url: string,
  staffToken: string,
  requestId: string,
): Promise<{ visitsAfter: string | null; pages: number; ms: number }> {
  let after: string | null = null;
  let visitsAfter: string | null | undefined;
  let pages = 0;
  const started = performance.now();
  for (;;) {
    const res = await fetch(url, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${staffToken}` },
      body: JSON.stringify({ query: QUERY, variables: { requestId, first: REPORT_PAGE, after } }),
    });
    const body = (await res.json()) as { data?: { accessReport?: ReportPage }; errors?: unknown[] };
    const page = body.data?.accessReport;
    if (res.status !== 200 || !page)
      throw new Error(`access report page ${pages + 1}: HTTP ${res.status} ${JSON.stringify(body.errors ?? []).slice(0, 300)}`);
    pages++;
    if (visitsAfter === undefined && page.entries.length > 0 && page.entries.every((e) => e.table === "visits")) visitsAfter = after;
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  if (visitsAfter === undefined) throw new Error("no page of the access report holds visits only");
  return { visitsAfter, pages, ms: performance.now() - started };
}

/** The privacy office's subject access report for a subject with thousands of visits: one page of the visits section. */
export function reportWorkload(options: { requestId: string; after: string | null; visits: number; staffToken: string }): Workload {
  return {
    key: "report",
    title: `report: subject access report, ${options.visits.toLocaleString("en-US")} visits, a page of ${REPORT_PAGE} visit rows`,
    description:
      `the privacy office (JWT, purpose \`subject_request\`) reads the access report of a verified request whose subject has ${options.visits.toLocaleString("en-US")} visits, ` +
      `one page of ${REPORT_PAGE} rows from the visits section (the report is paged; a page of ${REPORT_PAGE} keeps this selection within the default MAX_COST): ` +
      "every personal value of those rows, each through the decision and the disclosure record",
    connections: 2,
    perConnection: 6,
    sequential: { uncounted: 1, counted: 2 },
    gateway: {
      headers: { ...json, authorization: `Bearer ${options.staffToken}` },
      body: { query: QUERY, variables: { requestId: options.requestId, first: REPORT_PAGE, after: options.after } },
      items: (data) => (at(data, "accessReport", "subjectId"), list(data, "accessReport", "entries").length),
    },
  };
}
