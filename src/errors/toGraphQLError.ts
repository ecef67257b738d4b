import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { ErrorCode, HTTP_STATUS } from "./ErrorCode.js";
import { GatewayError } from "./GatewayError.js";
import { messageWithoutInput } from "./messageWithoutInput.js";

/** Turns a domain error into a GraphQL error carrying its code, details and HTTP status. */
export function toGraphQLError(error: GatewayError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: { code: error.code, ...error.details, http: { status: HTTP_STATUS[error.code] } },
  });
}

/** A domain error as it leaves in a response's `errors`: its message, code and details. */
export function toFormattedError(error: GatewayError): GraphQLFormattedError {
  return { message: error.message, extensions: { code: error.code, ...error.details } };
}

/** What a client is told of an unexpected error; the original goes to the log with the request id. */
export const INTERNAL_ERROR_MESSAGE = "Internal error; it has been logged with the request id.";

/** Apollo's own codes that are safe to pass through as they are (parse, validation, input). */
const APOLLO_PASS_THROUGH = new Set<string>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

export type ErrorLogger = (original: unknown, formatted: GraphQLFormattedError) => void;

/**
 * Apollo's `formatError`, the one way out of the server for its errors: deliberate errors keep
 * their code and message; parse, validation and input errors keep their code and a message that
 * names the input but never quotes it (messageWithoutInput); anything else (a driver error, a
 * bug, a rule that threw) leaves as INTERNAL_SERVER_ERROR with no message of its own, no stack
 * and no internals, and the original goes to the log.
 */
export function createFormatError(log: ErrorLogger, schema: GraphQLSchema) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    // A validation rule's refusal reaches here wrapped in Apollo's ValidationError (code replaced).
    const original =
      unwrapped instanceof GraphQLError && unwrapped.originalError instanceof GatewayError ? unwrapped.originalError : unwrapped;
    if (original instanceof GatewayError) {
      const { message, extensions } = toFormattedError(original);
      return { message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && (APOLLO_PASS_THROUGH.has(code) || isOwnCode(code, original))) {
      const { stacktrace: _s, http: _h, ...extensions } = formatted.extensions ?? {};
      const message = unwrapped instanceof Error ? messageWithoutInput(unwrapped, schema) : "The request is not valid.";
      return { ...formatted, message, extensions };
    }
    log(original, formatted);
    return {
      message: INTERNAL_ERROR_MESSAGE,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** A GraphQLError raised deliberately by this gateway with one of its own codes. */
function isOwnCode(code: string, original: unknown): boolean {
  return (
    original instanceof GraphQLError && (Object.values(ErrorCode) as string[]).includes(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR
  );
}
