import type { ErrorCode } from "./ErrorCode.js";

/**
 * A domain error: a stable code, a message safe to show a client (never a personal value), and
 * optional details (field coordinates, reason codes). Knows nothing of GraphQL or HTTP; the
 * adapter in toGraphQLError.ts turns it into what leaves the server.
 */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
