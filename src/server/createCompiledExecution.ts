import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>["gateway"];

/** Compiled queries per parsed document (Apollo keeps one DocumentNode per query text) and operation name. */
type Compiled = CompiledQuery | ExecutionResult;

/**
 * Apollo Server's execution through graphql-jit instead of graphql-js's executor: each operation
 * compiled once into a function of the schema's own resolvers (the enforcement's guards among
 * them), then run per request. Plugged in through Apollo's gateway interface, which replaces only
 * the executor: parsing, validation and every plugin hook run as before. Mutations (a few fields,
 * run one after another) stay on graphql-js's executor.
 */
export function createCompiledExecution(schema: GraphQLSchema): GatewayInterface {
  const compiledByDocument = new WeakMap<DocumentNode, Map<string | null, Compiled>>();
  const compile = (document: DocumentNode, operationName: string | null): Compiled => {
    let byName = compiledByDocument.get(document);
    if (!byName) compiledByDocument.set(document, (byName = new Map()));
    let compiled = byName.get(operationName);
    if (!compiled) byName.set(operationName, (compiled = compileQuery(schema, document, operationName ?? undefined)));
    return compiled;
  };
  return {
    async load() {
      return {
        executor: async (requestContext) => {
          // No operation by that name: graphql-js's own answer ("Unknown operation named ..."),
          // which refuses before executing anything; graphql-jit's would name another mistake.
          // A mutation: graphql-js, which stops at the first root field that fails where null is not
          // allowed, as the specification's serial execution does; graphql-jit runs the fields after it
          // all the same, so a change the answer reports as failed would still be made.
          if (!requestContext.operation || requestContext.operation.operation === "mutation") {
            return execute({
              schema,
              document: requestContext.document,
              operationName: requestContext.request.operationName,
              contextValue: requestContext.context,
              variableValues: requestContext.request.variables,
            }) as ExecutionResult;
          }
          const compiled = compile(requestContext.document, requestContext.operationName);
          if (!isCompiledQuery(compiled)) return compiled;
          const result = await compiled.query(undefined, requestContext.context, requestContext.request.variables ?? {});
          return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => {};
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors as graphql-js makes them: its own GraphQLError leaves `extensions`
 * undefined when the original error has none, which Apollo's error formatting does not survive
 * (every such error became "Internal server error", its code and path lost). Same message, path,
 * locations and original error.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const normal = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  // graphql-jit keeps the locations, not the AST nodes graphql-js would compute them from.
  (normal as { locations: GraphQLError["locations"] }).locations = error.locations;
  return normal;
}
