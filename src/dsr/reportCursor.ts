import { timingSafeEqual } from "node:crypto";
import type { IdScope } from "../enforcement/createIdScope.js";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";

/** Where a page of the access report ended, and whether every page to it was served with its values. */
export interface ReportCursor {
  table: string;
  rowId: string;
  /** Every page up to this one was read with its values: the walk still counts as a delivery. */
  withValues: boolean;
}

/** What a cursor needs of the reader's id scope: its sealed row cursors and its MAC. */
export type CursorKeys = Pick<IdScope, "cursor" | "cursorId" | "tag">;

/**
 * Opaque to clients: base64url of `r:<table>:<row id sealed under the reader's scope>:<0|1>`, a
 * dot, and a tag over it and the request id. No row id in clear, and a reader walks the report
 * page by page and cannot make up a position or the flag: serving the last page of a walk made
 * with values records the report's delivery, which must mean the whole report was served.
 */
export function encodeReportCursor(cursor: ReportCursor, keys: CursorKeys, requestId: string): string {
  const body = `r:${cursor.table}:${keys.cursor(cursor.rowId)}:${cursor.withValues ? 1 : 0}`;
  return `${Buffer.from(body).toString("base64url")}.${keys.tag(`${requestId}|${body}`)}`;
}

/** The cursor, if this API issued it for this request and one of `tables`; anything else is bad input. */
export function decodeReportCursor(text: string, tables: readonly string[], keys: CursorKeys, requestId: string): ReportCursor {
  const [encoded = "", mac = ""] = text.split(".");
  const body = Buffer.from(encoded, "base64url").toString("utf8");
  const expected = Buffer.from(keys.tag(`${requestId}|${body}`));
  const [kind, table, sealed, flag] = body.split(":");
  const issued = mac.length === expected.length && timingSafeEqual(Buffer.from(mac), expected);
  const rowId = issued && sealed !== undefined ? keys.cursorId(sealed) : null;
  if (!issued || kind !== "r" || table === undefined || !tables.includes(table) || rowId === null || (flag !== "0" && flag !== "1")) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, "The `after` cursor is not one this report issued.");
  }
  return { table, rowId, withValues: flag === "1" };
}
