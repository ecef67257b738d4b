import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, visit, type DocumentNode } from "graphql";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import { toGraphQLError } from "../errors/toGraphQLError.js";

const NUL = "\u0000";

/** True when a variable value, at any depth, is or holds a string with U+0000. */
function holdsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes(NUL);
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsNul);
  return false;
}

function literalHoldsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes(NUL)) found = true;
    },
  });
  return found;
}

/**
 * Text that no PostgreSQL text value can hold (U+0000, the NUL character) is refused before
 * anything runs, as BAD_USER_INPUT, whether it comes in a string literal or a variable: it would
 * otherwise reach a statement and fail there as an internal error.
 */
export function createTextInputPlugin(): ApolloServerPlugin {
  const checked = new WeakMap<DocumentNode, boolean>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          let inLiterals = checked.get(document);
          if (inLiterals === undefined) checked.set(document, (inLiterals = literalHoldsNul(document)));
          if (inLiterals || holdsNul(request.variables)) {
            throw toGraphQLError(new GatewayError(ErrorCode.BAD_USER_INPUT, "Text input cannot contain the NUL character (U+0000)."));
          }
        },
      };
    },
  };
}
