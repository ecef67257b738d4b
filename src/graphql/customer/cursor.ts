import { GatewayError } from "../../errors/GatewayError.js";
import { ErrorCode } from "../../errors/ErrorCode.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque cursors: base64url of the last id, so clients do not build them by hand. */
export function encodeCursor(id: string): string {
  return Buffer.from(`c:${id}`).toString("base64url");
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const id = decoded.startsWith("c:") ? decoded.slice(2) : "";
  if (!UUID.test(id)) throw new GatewayError(ErrorCode.BAD_USER_INPUT, "The `after` cursor is not one this API issued.");
  return id;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
