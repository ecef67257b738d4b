/**
 * Every error code a client can see, with the HTTP status it maps to when it ends the request.
 * Codes are stable API: add new ones, never rename.
 */
export enum ErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  PURPOSE_REQUIRED = "PURPOSE_REQUIRED",
  PURPOSE_NOT_ALLOWED = "PURPOSE_NOT_ALLOWED",
  /** The partner's grant is expired or not yet valid. */
  GRANT_EXPIRED = "GRANT_EXPIRED",
  /** The partner's grant was revoked by the privacy office. */
  GRANT_REVOKED = "GRANT_REVOKED",
  /** A valid customer token whose subject is no customer of this gateway. */
  UNKNOWN_SUBJECT = "UNKNOWN_SUBJECT",
  WITHHELD = "WITHHELD",
  NOT_FOUND = "NOT_FOUND",
  /** No such HTTP route (the API is at /graphql). */
  ROUTE_NOT_FOUND = "ROUTE_NOT_FOUND",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  BAD_REQUEST = "BAD_REQUEST",
  GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED",
  GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED",
  PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE",
  /**
   * An operation over one of the query limits (src/server/limits/), refused before execution;
   * `extensions.limit` names which (`depth`, `aliases`, `fields`, `tokens`, `directives`, `cost`)
   * and `extensions.max` its configured value.
   */
  QUERY_LIMIT_EXCEEDED = "QUERY_LIMIT_EXCEEDED",
  UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE",
  METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED",
  RATE_LIMITED = "RATE_LIMITED",
  /** A partner held to an allowlist sent an operation that is not among its registered ones. */
  PERSISTED_OPERATION_NOT_ALLOWED = "PERSISTED_OPERATION_NOT_ALLOWED",
  /** A persisted-query hash was sent alone and no operation is registered under it for this caller (Apollo's APQ code). */
  PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND",
  /** The query text sent with a persisted-query hash is not the document of that hash. */
  PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH",
  DISCLOSURE_NOT_RECORDED = "DISCLOSURE_NOT_RECORDED",
  /**
   * A customer opted in to a purpose that a completed objection of theirs still stops
   * (`extensions.purpose`, `extensions.requestIds`): `liftObjection` first.
   */
  OBJECTION_IN_FORCE = "OBJECTION_IN_FORCE",
  /** Another retention purge (the schedule's, another replica's, another call's) holds the purge lock. */
  PURGE_IN_PROGRESS = "PURGE_IN_PROGRESS",
  SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
}

/** HTTP status for an error that ends a request before (or instead of) execution. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.PURPOSE_REQUIRED]: 400,
  [ErrorCode.PURPOSE_NOT_ALLOWED]: 403,
  [ErrorCode.GRANT_EXPIRED]: 403,
  [ErrorCode.GRANT_REVOKED]: 403,
  [ErrorCode.UNKNOWN_SUBJECT]: 401,
  [ErrorCode.WITHHELD]: 200,
  [ErrorCode.NOT_FOUND]: 200,
  [ErrorCode.ROUTE_NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.BAD_REQUEST]: 400,
  [ErrorCode.GRAPHQL_PARSE_FAILED]: 400,
  [ErrorCode.GRAPHQL_VALIDATION_FAILED]: 400,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.QUERY_LIMIT_EXCEEDED]: 400,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.METHOD_NOT_ALLOWED]: 405,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.PERSISTED_OPERATION_NOT_ALLOWED]: 403,
  [ErrorCode.PERSISTED_QUERY_NOT_FOUND]: 404,
  [ErrorCode.PERSISTED_QUERY_HASH_MISMATCH]: 400,
  [ErrorCode.DISCLOSURE_NOT_RECORDED]: 503,
  [ErrorCode.OBJECTION_IN_FORCE]: 409,
  [ErrorCode.PURGE_IN_PROGRESS]: 200,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
};
