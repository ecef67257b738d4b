import type { DocumentNode, OperationDefinitionNode } from "graphql";
import { rootFieldNames } from "./rootFieldNames.js";

/**
 * Whether an operation only introspects: every root field, through fragments, is `__schema`,
 * `__type` or `__typename`. Such an operation reads no data: it needs no purpose and is answered
 * from the caller's view of the schema (createIntrospectionPlugin). The one test of it.
 */
export function isIntrospectionOnly(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  return rootFieldNames(operation, document).every((name) => name.startsWith("__"));
}
