import {
  Kind,
  getArgumentValues,
  type getDirectiveValues,
  getNamedType,
  isAbstractType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { isIncluded } from "../graphql/common/isIncluded.js";

export interface OperationReads {
  /** Output field coordinates the operation selects (`Profile.email`), through fragments and abstract types. */
  fields: Set<string>;
  /** Input field coordinates the operation sets (`CustomerFilter.email`), literals and variables alike. */
  inputs: Set<string>;
  /**
   * Whether a variable decided any of it: a `@skip`/`@include` condition, or an input object
   * argument (which input fields are set). When not, the reads are the document's alone.
   */
  dependOnVariables: boolean;
}

/**
 * Every field coordinate an operation could read, and every input field it sets, with
 * `@skip`/`@include` applied for the given variables. A field selected on an interface or union
 * counts for every object type that could answer it. Assumes a validated document.
 */
export function collectOperationReads(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): OperationReads {
  const reads: OperationReads = { fields: new Set(), inputs: new Set(), dependOnVariables: false };
  const root =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return reads;
  const seen = new Set<string>();

  const included = (node: Parameters<typeof getDirectiveValues>[1]) => {
    if (!node.directives?.length) return true;
    if (node.directives.some((d) => d.arguments?.some((a) => a.value.kind === Kind.VARIABLE))) reads.dependOnVariables = true;
    return isIncluded(node, variables);
  };

  const concrete = (type: GraphQLNamedType): readonly GraphQLObjectType[] =>
    isAbstractType(type) ? schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];

  const walk = (selectionSet: SelectionSetNode, types: readonly GraphQLObjectType[]) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      switch (selection.kind) {
        case "Field": {
          const name = selection.name.value;
          if (name.startsWith("__")) continue;
          for (const type of types) {
            const field = type.getFields()[name];
            if (!field) continue;
            reads.fields.add(`${type.name}.${name}`);
            collectArguments(field, selection);
            if (selection.selectionSet) {
              const key = `${type.name}.${name}@${selection.loc?.start ?? ""}`;
              if (seen.has(key)) continue;
              seen.add(key);
              walk(selection.selectionSet, concrete(getNamedType(field.type)));
            }
          }
          break;
        }
        case "InlineFragment": {
          const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : undefined;
          walk(selection.selectionSet, condition ? narrow(types, concrete(condition)) : types);
          break;
        }
        case "FragmentSpread": {
          const fragment = fragments[selection.name.value];
          if (!fragment) continue;
          const condition = schema.getType(fragment.typeCondition.name.value);
          const on = condition ? narrow(types, concrete(condition)) : types;
          // Once per fragment and types: the reads are sets, and a fragment spreading another
          // twice, level after level, would otherwise be walked 2^levels times (a 1 KB document).
          const key = `...${fragment.name.value}@${on.map((t) => t.name).join(",")}`;
          if (seen.has(key)) continue;
          seen.add(key);
          walk(fragment.selectionSet, on);
          break;
        }
      }
    }
  };

  const collectArguments = (field: GraphQLField<unknown, unknown>, node: Parameters<typeof getArgumentValues>[1]) => {
    if (field.args.length === 0) return;
    const values = getArgumentValues(field, node, variables);
    for (const arg of field.args) {
      if (!reads.dependOnVariables && isInputObjectType(getNamedType(arg.type))) {
        const given = node.arguments?.find((a) => a.name.value === arg.name);
        if (given && containsVariable(given.value)) reads.dependOnVariables = true;
      }
      collectInput(arg.type, values[arg.name]);
    }
  };

  const collectInput = (type: GraphQLInputType, value: unknown) => {
    if (value === undefined || value === null) return;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      if (Array.isArray(value)) for (const item of value) collectInput(inner.ofType, item);
      return;
    }
    if (!isInputObjectType(inner) || typeof value !== "object") return;
    for (const [name, fieldValue] of Object.entries(value as Record<string, unknown>)) {
      const field = inner.getFields()[name];
      if (!field || fieldValue === undefined) continue;
      reads.inputs.add(`${inner.name}.${name}`);
      collectInput(field.type, fieldValue);
    }
  };

  walk(operation.selectionSet, [root]);
  return reads;
}

function containsVariable(value: ValueNode): boolean {
  switch (value.kind) {
    case Kind.VARIABLE:
      return true;
    case Kind.LIST:
      return value.values.some(containsVariable);
    case Kind.OBJECT:
      return value.fields.some((f) => containsVariable(f.value));
    default:
      return false;
  }
}

function narrow(types: readonly GraphQLObjectType[], to: readonly GraphQLObjectType[]): GraphQLObjectType[] {
  const allowed = new Set(to.map((t) => t.name));
  return types.filter((t) => allowed.has(t.name));
}
