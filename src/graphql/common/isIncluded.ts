import { GraphQLIncludeDirective, GraphQLSkipDirective, getDirectiveValues } from "graphql";

/** Whether `@skip` and `@include` keep a field or fragment, for the request's variables (as graphql-js executes it). */
export function isIncluded(node: Parameters<typeof getDirectiveValues>[1], variables: Record<string, unknown>): boolean {
  return (
    !node.directives?.length ||
    (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
      getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false)
  );
}
