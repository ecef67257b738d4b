import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { QueryLimitName } from "./QueryLimits.js";

const WHAT: Record<QueryLimitName, string> = {
  depth: "is nested deeper than",
  aliases: "uses more aliases than",
  fields: "selects more fields than",
  tokens: "holds more tokens than",
  directives: "uses more directives than",
  cost: "costs more than",
};

/** The one refusal of every query limit: QUERY_LIMIT_EXCEEDED naming the limit and its value. */
export function limitExceeded(limit: QueryLimitName, max: number, found?: number): GatewayError {
  return new GatewayError(ErrorCode.QUERY_LIMIT_EXCEEDED, `The operation ${WHAT[limit]} the limit of ${max} (${limit}).`, {
    limit,
    max,
    ...(found !== undefined && Number.isFinite(found) ? { found } : {}),
  });
}
