import { timingSafeEqual } from "node:crypto";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import { isUuid } from "../graphql/customer/cursor.js";

/** Where a page of the access report ended: a table and the last row id read in it. */
export interface ReportCursor {
  table: string;
  rowId: string;
}

/** A MAC under the reader's id scope (IdScope.tag). */
export type Tag = (message: string) => string;

const bodyOf = (cursor: ReportCursor) => `r:${cursor.table}:${cursor.rowId}`;

/**
 * Opaque to clients: base64url of `r:<table>:<row id>`, a dot, and a tag over it and the request
 * id. A reader walks the report page by page and cannot make up a position: serving the last page
 * records the report's delivery, which must mean the whole report was served.
 */
export function encodeReportCursor(cursor: ReportCursor, tag: Tag, requestId: string): string {
  const body = bodyOf(cursor);
  return `${Buffer.from(body).toString("base64url")}.${tag(`${requestId}|${body}`)}`;
}

/** The cursor, if this API issued it for this request and one of `tables`; anything else is bad input. */
export function decodeReportCursor(text: string, tables: readonly string[], tag: Tag, requestId: string): ReportCursor {
  const [encoded = "", mac = ""] = text.split(".");
  const body = Buffer.from(encoded, "base64url").toString("utf8");
  const expected = Buffer.from(tag(`${requestId}|${body}`));
  const [kind, table, rowId] = body.split(":");
  const issued = mac.length === expected.length && timingSafeEqual(Buffer.from(mac), expected);
  if (!issued || kind !== "r" || table === undefined || !tables.includes(table) || rowId === undefined || !isUuid(rowId)) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, "The `after` cursor is not one this report issued.");
  }
  return { table, rowId };
}
