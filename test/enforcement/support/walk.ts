/**
 * Walks a GraphQL response alongside its document, so every value in `data` is known by its
 * field coordinate (through aliases, named and inline fragments, @skip/@include) and by the data
 * subject it belongs to (the nearest enclosing Customer's `id`, which the suites always select,
 * mapped back to the internal id when the caller's ids are scoped).
 */
import {
  getArgumentValues,
  getDirectiveValues,
  getVariableValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLInputType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export type Path = ReadonlyArray<string | number>;

export interface LeafVisit {
  path: Path;
  typeName: string;
  fieldName: string;
  coordinate: string;
  value: unknown;
  /** The subject the value belongs to, or null above any Customer. */
  subject: string | null;
}

export interface ObjectVisit {
  path: Path;
  typeName: string;
  value: Record<string, unknown>;
  subject: string | null;
  /** The field this object is the value of (or an element of), with its arguments; null at the root. */
  parent: { coordinate: string; args: Record<string, unknown> } | null;
}

type Collected = Map<string, { fieldName: string; nodes: FieldNode[] }>;

interface Doc {
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/**
 * The variables as execution sees them: coerced, with the operation's default values filled in
 * (a variable the request omits still has its default: `$e: String = "..."`).
 */
export function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) throw new Error(`variables do not coerce: ${coerced.errors.map((e) => e.message).join("; ")}`);
  return coerced.coerced;
}

function docOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName?: string): Doc {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) throw new Error("no operation in the document");
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return { operation, fragments, variables: coerceVariables(schema, operation, variables) };
}

function included(node: Parameters<typeof getDirectiveValues>[1], variables: Record<string, unknown>): boolean {
  return (
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false
  );
}

function applies(schema: GraphQLSchema, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (condition === undefined || condition === type.name) return true;
  const t = schema.getType(condition);
  return t !== undefined && isAbstractType(t) && schema.getPossibleTypes(t).some((p) => p.name === type.name);
}

/** Response key -> field, for one object type, as graphql-js's collectFields does it. */
export function collectFields(schema: GraphQLSchema, doc: Doc, type: GraphQLObjectType, sets: readonly SelectionSetNode[]): Collected {
  const out: Collected = new Map();
  const visitSet = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (!included(s, doc.variables)) continue;
      if (s.kind === Kind.FIELD) {
        const key = s.alias?.value ?? s.name.value;
        let entry = out.get(key);
        if (!entry) out.set(key, (entry = { fieldName: s.name.value, nodes: [] }));
        entry.nodes.push(s);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (applies(schema, s.typeCondition?.name.value, type)) visitSet(s.selectionSet);
      } else {
        const fragment = doc.fragments[s.name.value];
        if (fragment && applies(schema, fragment.typeCondition.name.value, type)) visitSet(fragment.selectionSet);
      }
    }
  };
  for (const set of sets) visitSet(set);
  return out;
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLObjectType {
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) throw new Error("no root type");
  return root;
}

/**
 * Every field coordinate the operation selects (after @skip/@include), whatever the data, and
 * every input field coordinate its arguments set (`CustomerFilter.email`), defaults included.
 */
export function selectedCoordinates(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string,
): Set<string> {
  const doc = docOf(schema, document, variables, operationName);
  const out = new Set<string>();
  const inputs = (type: GraphQLInputType, value: unknown) => {
    if (value === undefined || value === null) return;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      if (Array.isArray(value)) for (const item of value) inputs(inner.ofType, item);
      return;
    }
    if (!isInputObjectType(inner) || typeof value !== "object") return;
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      const field = inner.getFields()[name];
      if (!field || v === undefined) continue;
      out.add(`${inner.name}.${name}`);
      inputs(field.type, v);
    }
  };
  const visit = (type: GraphQLObjectType, sets: readonly SelectionSetNode[]) => {
    for (const { fieldName, nodes } of collectFields(schema, doc, type, sets).values()) {
      if (fieldName.startsWith("__")) continue;
      const field = type.getFields()[fieldName];
      if (!field) continue;
      out.add(`${type.name}.${fieldName}`);
      for (const node of nodes) {
        const args = getArgumentValues(field, node, doc.variables);
        for (const arg of field.args) inputs(arg.type, args[arg.name]);
      }
      const named = getNamedType(field.type);
      if (isObjectType(named))
        visit(
          named,
          nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : [])),
        );
    }
  };
  visit(rootType(schema, doc.operation), [doc.operation.selectionSet]);
  return out;
}

/** Visits every object and every leaf of `data`. */
export function walkResponse(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  data: unknown,
  visitor: {
    leaf?: (v: LeafVisit) => void;
    object?: (v: ObjectVisit) => void;
    /** The subject a Customer's `id` in the response stands for (the caller's id scope); default: the id itself. */
    subjectOf?: (id: string) => string | null;
  },
  operationName?: string,
): void {
  if (data === null || data === undefined) return;
  const doc = docOf(schema, document, variables, operationName);

  const visitObject = (
    type: GraphQLObjectType,
    sets: readonly SelectionSetNode[],
    value: Record<string, unknown>,
    path: Path,
    inherited: string | null,
    parent: ObjectVisit["parent"],
  ) => {
    const fields = collectFields(schema, doc, type, sets);
    let subject = inherited;
    if (type.name === "Customer") {
      const idKey = [...fields].find(([, f]) => f.fieldName === "id")?.[0];
      const id = idKey === undefined ? undefined : value[idKey];
      subject = typeof id !== "string" ? null : visitor.subjectOf ? visitor.subjectOf(id) : id;
    }
    visitor.object?.({ path, typeName: type.name, value, subject, parent });
    for (const [key, { fieldName, nodes }] of fields) {
      if (!(key in value)) throw new Error(`response lacks ${[...path, key].join(".")}`);
      const fieldValue = value[key];
      if (fieldName.startsWith("__")) {
        visitor.leaf?.({
          path: [...path, key],
          typeName: type.name,
          fieldName,
          coordinate: `${type.name}.${fieldName}`,
          value: fieldValue,
          subject,
        });
        continue;
      }
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`no field ${type.name}.${fieldName}`);
      const named = getNamedType(field.type);
      if (isObjectType(named) && fieldValue !== null) {
        const subSets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
        const here = { coordinate: `${type.name}.${fieldName}`, args: getArgumentValues(field, nodes[0] as FieldNode, doc.variables) };
        const each = (item: unknown, itemPath: Path) => {
          if (Array.isArray(item)) item.forEach((x, i) => each(x, [...itemPath, i]));
          else if (item !== null && typeof item === "object")
            visitObject(named, subSets, item as Record<string, unknown>, itemPath, subject, here);
        };
        each(fieldValue, [...path, key]);
      } else {
        visitor.leaf?.({
          path: [...path, key],
          typeName: type.name,
          fieldName,
          coordinate: `${type.name}.${fieldName}`,
          value: fieldValue,
          subject,
        });
      }
    }
  };

  visitObject(rootType(schema, doc.operation), [doc.operation.selectionSet], data as Record<string, unknown>, [], null, null);
}

export const samePath = (a: Path | undefined, b: Path) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
