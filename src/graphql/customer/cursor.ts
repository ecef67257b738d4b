import type { IdScope } from "../../enforcement/createIdScope.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { ErrorCode } from "../../errors/ErrorCode.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The id after which a page starts, from an opaque cursor: the last id sealed under the request's
 * id scope (`IdScope.cursor`), so a cursor carries no internal id in clear, and one issued to
 * another scope (partner, purpose), altered or made up is refused.
 */
export function decodeCursor(ids: IdScope, cursor: string): string {
  const id = ids.cursorId(cursor);
  if (id === null) throw new GatewayError(ErrorCode.BAD_USER_INPUT, "The `after` cursor is not one this API issued.");
  return id;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
