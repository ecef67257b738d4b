import { expect } from "vitest";
import type { TestGateway } from "./testGateway.js";

/** An access report entry, every field the tests select (a query selects some of them). */
export interface ReportEntry {
  coordinate: string | null;
  category: string | null;
  table: string;
  column: string;
  rowId: string;
  value: string | null;
  withheld: boolean;
  effect: string;
  reasonCode: string;
  purposes: string[];
  retention: string;
  source: string;
}

/** One page as `query` selected it, and the statements the gateway ran to answer it. */
export interface ReportPage {
  report: any;
  statements: number;
}

/**
 * Reads a verified request's access report to its last page, which delivers it. `query` takes
 * `$id`, `$first` and `$after` and selects `accessReport { pageInfo { hasNextPage endCursor } }`;
 * a page with errors fails the test.
 */
export async function readReportPages(
  gw: TestGateway,
  query: string,
  variables: { id: string; first: number },
  headers: Record<string, string>,
): Promise<ReportPage[]> {
  const pages: ReportPage[] = [];
  let after: string | null = null;
  for (;;) {
    const before = gw.database.statements;
    const res = await gw.post({ query, variables: { ...variables, after } }, headers);
    const statements = gw.database.statements - before;
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    const report = res.body.data.accessReport;
    pages.push({ report, statements });
    if (!report.pageInfo.hasNextPage) return pages;
    after = report.pageInfo.endCursor;
  }
}
