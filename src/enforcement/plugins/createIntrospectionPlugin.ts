import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from "@apollo/server";
import { execute, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { ErrorCode, HTTP_STATUS } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { toFormattedError, toGraphQLError } from "../../errors/toGraphQLError.js";
import type { GatewayContext } from "../../graphql/context.js";
import { getDataMap } from "../dataMap.js";
import { isIntrospectionOnly } from "../isIntrospectionOnly.js";
import { rootFieldNames } from "../rootFieldNames.js";
import { schemaForCaller } from "../schemaForCaller.js";

const SCHEMA_FIELDS = new Set(["__schema", "__type"]);

const refusal = (error: GatewayError): GraphQLResponse => ({
  http: { status: HTTP_STATUS[error.code], headers: new HeaderMap() },
  body: { kind: "single", singleResult: { errors: [toFormattedError(error)] } },
});

/**
 * Introspection per caller: an operation whose root fields are only `__schema`, `__type` and
 * `__typename` is answered from schemaForCaller (the fields this caller could ever read), not
 * from the full schema. An operation that mixes them with data fields is refused before
 * execution (400 BAD_REQUEST), or it would introspect the full schema. Whether introspection is
 * served at all is Apollo's `introspection` option (INTROSPECTION). Anonymous callers never get
 * here (401 before GraphQL); should one, it is refused rather than shown anything.
 */
export function createIntrospectionPlugin(options: { schema: GraphQLSchema }): ApolloServerPlugin<GatewayContext> {
  const dataMap = getDataMap(options.schema);
  const introspects = new WeakMap<OperationDefinitionNode, boolean>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document }) {
          if (!operation) return;
          const roots = rootFieldNames(operation, document);
          const schemaFields = roots.some((n) => SCHEMA_FIELDS.has(n));
          if (schemaFields && roots.some((n) => !n.startsWith("__"))) {
            throw toGraphQLError(
              new GatewayError(ErrorCode.BAD_REQUEST, "Introspect (`__schema`, `__type`) in an operation of its own, without data fields."),
            );
          }
          introspects.set(operation, isIntrospectionOnly(operation, document));
        },
        async responseForOperation({ operation, document, request, contextValue: ctx }) {
          if (!operation || !introspects.get(operation)) return null;
          if (ctx.caller.kind === "anonymous") return refusal(new GatewayError(ErrorCode.UNAUTHENTICATED, "Authentication required."));
          const result = await execute({
            schema: schemaForCaller(options.schema, dataMap, ctx.enforcement.policy, ctx.caller),
            document,
            contextValue: ctx,
            operationName: request.operationName,
            variableValues: request.variables,
          });
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: {
              kind: "single",
              singleResult: { data: result.data, ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}) },
            },
          };
        },
      };
    },
  };
}
