import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import { isUuid } from "../graphql/customer/cursor.js";

/** Where a page of the access report ended: a table and the last row id read in it. */
export interface ReportCursor {
  table: string;
  rowId: string;
}

/** Opaque to clients: base64url of `r:<table>:<row id>`. */
export function encodeReportCursor(cursor: ReportCursor): string {
  return Buffer.from(`r:${cursor.table}:${cursor.rowId}`).toString("base64url");
}

/** The cursor, if this API issued it for one of `tables`; anything else is bad input. */
export function decodeReportCursor(text: string, tables: readonly string[]): ReportCursor {
  const [tag, table, rowId] = Buffer.from(text, "base64url").toString("utf8").split(":");
  if (tag !== "r" || table === undefined || !tables.includes(table) || rowId === undefined || !isUuid(rowId)) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, "The `after` cursor is not one this report issued.");
  }
  return { table, rowId };
}
