import type { ApolloServerPlugin, GraphQLRequest } from "@apollo/server";
import { getDirectiveValues, type DocumentNode, type GraphQLDirective, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { toGraphQLError } from "../../errors/toGraphQLError.js";
import { purposeName } from "../../policy/purposeName.js";
import type { EnforcementContext } from "../EnforcementContext.js";
import { fragmentsOf } from "../fragmentsOf.js";
import { isIntrospectionOnly } from "../isIntrospectionOnly.js";
import { operationReads } from "../operationReads.js";
import { readsSubjectData } from "../readsSubjectData.js";
import { operationVariables } from "./operationVariables.js";
import { defaultPurpose, mayDeclare, purposesFor } from "../../policy/caller.js";
import { isPurpose, type Purpose } from "../../policy/purposes.js";

export interface PurposePluginOptions {
  /** The bare gateway schema (no default): it declares `@purpose` and types the operation's variables. */
  schema: GraphQLSchema;
}

/**
 * Resolves the request's purpose before execution: `@purpose(name: ...)` on the operation, or the
 * `x-purpose` header (they must agree when both are given), else the caller's default (its only
 * purpose: a customer on their own data, a single-purpose role or grant). An operation that reads
 * no personal data and no subject (readsSubjectData) needs none: it executes without one, and
 * anything personal it meets is refused. Otherwise missing: PURPOSE_REQUIRED; outside the
 * caller's role or grant: PURPOSE_NOT_ALLOWED; either way nothing executes. Messages and
 * `allowedPurposes` spell purposes as the GraphQL enum does. Whatever the outcome, it then ends the
 * request's purpose resolution (`enforcement.purposeResolved`), which the static check awaits:
 * the order Apollo runs the plugins' hooks in does not matter.
 */
export function createPurposePlugin(options: PurposePluginOptions): ApolloServerPlugin<EnforcementContext> {
  const directive = options.schema.getDirective("purpose");
  if (!directive) throw new Error("the schema lacks the @purpose directive");
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue: ctx, request }) {
          try {
            resolvePurpose(options.schema, directive, operation, document, ctx, request);
          } finally {
            ctx.enforcement.endPurposeResolution(); // the readers awaiting it (the static check) go on, whatever came of it
          }
        },
      };
    },
  };
}

function resolvePurpose(
  schema: GraphQLSchema,
  directive: GraphQLDirective,
  operation: OperationDefinitionNode | undefined,
  document: DocumentNode,
  ctx: EnforcementContext,
  request: GraphQLRequest,
): void {
  if (!operation || isIntrospectionOnly(operation, document)) return; // purpose stays null: shield denies every field
  const variables = operationVariables(schema, document, operation, request);
  const declared = getDirectiveValues(directive, operation, variables)?.name as Purpose | undefined;
  const header = ctx.headerPurpose; // lower case: either spelling (`marketing`, `MARKETING`) is taken
  if (header !== null && !isPurpose(header)) {
    throw toGraphQLError(new GatewayError(ErrorCode.BAD_USER_INPUT, "The x-purpose header names no known purpose."));
  }
  if (declared && header && declared !== header) {
    throw toGraphQLError(new GatewayError(ErrorCode.BAD_USER_INPUT, "The @purpose directive and the x-purpose header disagree."));
  }
  const { policy } = ctx.enforcement;
  const purpose = declared ?? (header as Purpose | null) ?? defaultPurpose(policy, ctx.caller);
  const allowed = purposesFor(policy, ctx.caller).map(purposeName);
  if (purpose === null) {
    if (!readsSubjectData(schema, operationReads(schema, operation, fragmentsOf(document), variables))) {
      ctx.enforcement.executeWithoutPurpose();
      return;
    }
    throw toGraphQLError(
      new GatewayError(ErrorCode.PURPOSE_REQUIRED, "Declare a purpose with @purpose(name: ...) on the operation or the x-purpose header.", {
        allowedPurposes: allowed,
      }),
    );
  }
  if (!mayDeclare(policy, ctx.caller, purpose)) {
    throw toGraphQLError(
      new GatewayError(ErrorCode.PURPOSE_NOT_ALLOWED, `The purpose ${purposeName(purpose)} is not among those your role or grant allows.`, {
        allowedPurposes: allowed,
      }),
    );
  }
  ctx.enforcement.setPurpose(purpose);
}
