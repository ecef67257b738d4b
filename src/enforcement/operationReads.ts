import type { FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode } from "graphql";
import { collectOperationReads, type OperationReads } from "./collectOperationReads.js";

// By the parsed operation: a server hands the same document object to every request with the
// same text, and its schemas (with and without the guards) agree on every type and field.
const kept = new WeakMap<OperationDefinitionNode, OperationReads>();

/**
 * collectOperationReads, kept with the parsed operation when no variable decided the reads, so a
 * client's repeated operation is walked once for the static check and the read-ahead together.
 */
export function operationReads(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): OperationReads {
  let reads = kept.get(operation);
  if (reads === undefined) {
    reads = collectOperationReads(schema, operation, fragments, variables);
    if (!reads.dependOnVariables) kept.set(operation, reads);
  }
  return reads;
}
