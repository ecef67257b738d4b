import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import type { EnforcementContext } from "./EnforcementContext.js";
import type { AnswerPath } from "./createRequestEnforcement.js";
import { subjectOf, type FieldRule, type RuleTree } from "./createRuleTree.js";
import type { DataMap, PersonalField, RecordedField } from "./dataMap.js";
import { isPromise } from "./isPromise.js";

/**
 * Decided rows: the personal fields of a row decided together, once, when the row reaches the
 * answer, instead of a resolver per cell. A personal leaf field without a resolver of its own is a
 * property of its row; the field that returns the row (one resolver call per row, not per cell)
 * hands the executor a copy of it in which each such property the operation selects holds its value
 * as decided (as stored, masked, pseudonymised, recorded) or the error that withholds it, and every
 * other one an error: a property this module did not decide can never be read as stored. The
 * executor (graphql-js or graphql-jit) reads the properties inline and turns an error into the
 * cell's error, as it does for a resolver that returns one. The type's id fields are decided the
 * same way (the id in the request's scope, recorded). The type's other fields, resolvers and guards
 * get the row as loaded (rawRow), so they read internal ids and join keys as before.
 */

type Resolver = GraphQLFieldResolver<unknown, EnforcementContext>;
type Decide = NonNullable<FieldRule["decide"]>;

/** A field decided with its row, and its place among its type's decided fields: a personal one with its rule's decision, or an id. */
type RowField =
  | { readonly kind: "personal"; readonly field: PersonalField; readonly decide: Decide; readonly index: number }
  /** An identifier: its value leaves in the request's id scope and is recorded (as inScope does for a resolver). */
  | { readonly kind: "identifier"; readonly field: RecordedField; readonly index: number };
type PersonalRowField = Extract<RowField, { kind: "personal" }>;
/** A RowField before its place among the type's decided fields is known. */
type RowFieldSpec = RowField extends infer F ? (F extends RowField ? Omit<F, "index"> : never) : never;

/**
 * The decided fields of one object type, by field name, and the two functions that read and copy
 * its rows, generated for the type (named property reads, and an object literal of one shape per
 * type, as graphql-jit generates its own code). A row as loaded often holds more properties than
 * V8 keeps in fast mode; spreading such a row cost microseconds a row and was the largest part of
 * deciding one.
 */
export interface RowFields {
  readonly byName: ReadonlyMap<string, RowField>;
  /** The decided fields' stored values, by index, in a new array. */
  readonly read: (row: object) => unknown[];
  /**
   * The row as the executor reads it: each decided field `values[index]`, each other field without
   * a resolver as loaded, and the loaded row under `__row` (a name GraphQL reserves) for the
   * resolvers of the type's other fields (rawRow).
   */
  readonly copy: (row: object, values: readonly unknown[]) => Record<string, unknown>;
}

/** A selected field of the row: its response keys (one per alias) in the operation. */
interface Cell {
  readonly row: RowField;
  readonly keys: readonly string[];
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

function rowFields(fields: readonly RowFieldSpec[], plain: readonly string[]): RowFields {
  const names = fields.map(({ field }) => field.fieldName);
  // The names are the schema's own field names (never request input), checked all the same.
  for (const name of [...names, ...plain]) if (!GRAPHQL_NAME.test(name)) throw new Error(`decided rows: ${name} is not a GraphQL name`);
  const read = new Function("row", `return [${names.map((n) => `row.${n}`).join(", ")}];`) as RowFields["read"];
  const properties = ["__row: row", ...plain.map((n) => `${n}: row.${n}`), ...names.map((n, i) => `${n}: values[${i}]`)];
  const copy = new Function("row", "values", `return { ${properties.join(", ")} };`) as RowFields["copy"];
  return { byName: new Map(fields.map((f, index) => [f.field.fieldName, { ...f, index } as RowField])), read, copy };
}

/** The row as loaded, given what a field of a decided type receives as its parent (the row's copy). */
export function rawRow(parent: unknown): unknown {
  return (parent as { __row?: unknown } | null)?.__row ?? parent;
}

/**
 * The object types whose rows are decided whole, with their decided fields: personal leaf fields
 * with no resolver of their own and a rule that decides, and the type's ids without one. Throws if such a type stands behind an
 * interface or union: its rows could reach the answer through a field this module does not wrap.
 */
export function rowDecidedTypes(schema: GraphQLSchema, tree: RuleTree, dataMap: DataMap): ReadonlyMap<string, RowFields> {
  const types = new Map<string, RowFields>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const decided: RowFieldSpec[] = [];
    const identifiers: RowFieldSpec[] = [];
    const plain: string[] = [];
    for (const [name, field] of Object.entries(type.getFields())) {
      if (field.resolve !== undefined) continue;
      const personal = dataMap.fields.get(`${type.name}.${name}`);
      const identifier = dataMap.identifiers.get(`${type.name}.${name}`);
      const decide = tree[type.name]?.[name]?.decide;
      if (personal !== undefined && decide !== undefined && isLeafType(getNamedType(field.type)))
        decided.push({ kind: "personal", field: personal, decide });
      else if (identifier !== undefined) identifiers.push({ kind: "identifier", field: identifier });
      else plain.push(name);
    }
    // A type's ids are decided with its rows where its personal fields are: a type without any keeps its id resolvers.
    if (decided.length > 0) types.set(type.name, rowFields([...decided, ...identifiers], plain));
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type)) continue;
    for (const member of schema.getPossibleTypes(type)) {
      if (types.has(member.name)) throw new Error(`decided rows: ${member.name} stands behind ${type.name}, which is not supported`);
    }
  }
  return types;
}

/**
 * Whether a field of this type returns a row (`T`) or a list of rows (`[T]`), nulls allowed;
 * throws for deeper lists, which no field of the schema has.
 */
export function returnsList(type: GraphQLOutputType): boolean {
  const outer = getNullableType(type);
  if (!isListType(outer)) return false;
  if (isListType(getNullableType(outer.ofType))) throw new Error("decided rows: a list of lists of rows is not supported");
  return true;
}

/** The resolver of a field returning rows of a type with decided fields: what it returns, decided. */
export function decidingRows(resolve: Resolver, fields: RowFields, list: boolean): Resolver {
  return (parent, args, ctx, info) => {
    const value = resolve(parent, args, ctx, info);
    return isPromise(value) ? value.then((v) => decided(v, fields, list, ctx, info)) : decided(value, fields, list, ctx, info);
  };
}

function decided(value: unknown, fields: RowFields, list: boolean, ctx: EnforcementContext, info: GraphQLResolveInfo): unknown {
  if (value === null || value === undefined || value instanceof Error) return value;
  const selection = selectionOf(info, fields);
  if (!list) return decideRow(value, fields, selection, ctx, info.path);
  if (!Array.isArray(value)) throw new Error("decided rows: a list field resolved to something that is not an array");
  // Items may be promises: both executors wait for a list's items one by one.
  return value.map((row, index) => decideRow(row, fields, selection, ctx, { prev: info.path, key: index }));
}

const notPermitted = () => new GatewayError(ErrorCode.FORBIDDEN, "Not permitted.");
/** What a decided field the operation did not select holds: never read unless the selection was misread. */
const NOT_DECIDED = notPermitted();

function decideRow(row: unknown, fields: RowFields, selection: Selection, ctx: EnforcementContext, at: AnswerPath): unknown {
  if (row === null || row === undefined || row instanceof Error) return row;
  if (isPromise(row)) return row.then((r) => decideRow(r, fields, selection, ctx, at));
  if (typeof row !== "object") throw new Error("decided rows: a row is not an object");
  // A decision waits only for its subject's state (a row read by id): the row's cells all wait, or none.
  const waiting = stateLoading(row, selection, ctx);
  if (waiting === undefined) return release(row, fields, selection, ctx, at);
  const then = () => release(row, fields, selection, ctx, at);
  return waiting.then(then, then);
}

/** The wait for the state of the row's subject, if its first selected personal cell's decision has to wait. */
function stateLoading(row: object, selection: Selection, ctx: EnforcementContext): Promise<unknown> | undefined {
  const first = selection.firstPersonal;
  if (first === undefined) return undefined;
  try {
    const decision = first.decide(subjectOf(row, first.field), ctx);
    return isPromise(decision) ? decision : undefined;
  } catch {
    return undefined; // refused below, cell by cell
  }
}

/** The row's copy: each selected decided field as decided (or its error), every other decided field NOT_DECIDED. */
function release(row: object, fields: RowFields, selection: Selection, ctx: EnforcementContext, at: AnswerPath): Record<string, unknown> {
  const values = fields.read(row);
  for (const index of selection.unselected) values[index] = NOT_DECIDED;
  for (const { row: rowField, keys } of selection.cells) {
    values[rowField.index] =
      rowField.kind === "personal"
        ? releasePersonal(row, rowField, values[rowField.index], keys, ctx, at)
        : releaseIdentifier(row, rowField.field, values[rowField.index], keys, ctx, at);
  }
  return fields.copy(row, values);
}

function releasePersonal(
  row: object,
  { field, decide }: PersonalRowField,
  stored: unknown,
  keys: readonly string[],
  ctx: EnforcementContext,
  at: AnswerPath,
): unknown {
  let subject: string;
  let decision: ReturnType<Decide>;
  try {
    subject = subjectOf(row, field);
    decision = decide(subject, ctx);
  } catch {
    return notPermitted(); // as a cell's guard refuses it
  }
  // Still waiting (its state could not be loaded): refused, as a guard refuses a failed decision.
  return decision === null || isPromise(decision) ? notPermitted() : ctx.enforcement.release(subject, field, decision, stored, at, keys);
}

/** An id as the request's scope gives it, recorded; anything but an id never leaves (applyRuleTree's inScope). */
function releaseIdentifier(
  row: object,
  field: RecordedField,
  stored: unknown,
  keys: readonly string[],
  ctx: EnforcementContext,
  at: AnswerPath,
): unknown {
  if (stored === null || stored === undefined) return stored;
  try {
    if (typeof stored !== "string") throw new Error("an identifier field resolved to something that is not an id");
    const external = ctx.enforcement.ids().external(stored);
    ctx.enforcement.identified(subjectOf(row, field), field, at, keys);
    return external;
  } catch (error) {
    return error instanceof Error ? error : notPermitted();
  }
}

/** The decided fields an operation selects on a field's rows, and the ones it leaves out (by index). */
interface Selection {
  readonly cells: readonly Cell[];
  readonly unselected: readonly number[];
  /** The first selected personal field: its decision tells whether the row's subject's state must load first. */
  readonly firstPersonal: PersonalRowField | undefined;
}

// Selections read with variables (@include, @skip) are collected again on every call.
const selections = new WeakMap<readonly FieldNode[], WeakMap<RowFields, Selection>>();

/** The decided fields the operation selects on the rows `info`'s field returns, with their response keys. */
function selectionOf(info: GraphQLResolveInfo, fields: RowFields): Selection {
  const cached = selections.get(info.fieldNodes)?.get(fields);
  if (cached !== undefined) return cached;
  const keys = new Map<string, string[]>();
  const state = { variables: false };
  for (const node of info.fieldNodes) {
    if (node.selectionSet) collect(node.selectionSet, info, fields, keys, state, new Set());
  }
  const cells = [...keys].map(([name, k]) => ({ row: fields.byName.get(name)!, keys: k }));
  const selection: Selection = {
    cells,
    unselected: [...fields.byName.values()].filter((f) => !keys.has(f.field.fieldName)).map((f) => f.index),
    firstPersonal: cells.map((cell) => cell.row).find((row): row is PersonalRowField => row.kind === "personal"),
  };
  if (!state.variables) {
    let byFields = selections.get(info.fieldNodes);
    if (byFields === undefined) selections.set(info.fieldNodes, (byFields = new WeakMap()));
    byFields.set(fields, selection);
  }
  return selection;
}

function collect(
  selectionSet: SelectionSetNode,
  info: GraphQLResolveInfo,
  fields: RowFields,
  into: Map<string, string[]>,
  state: { variables: boolean },
  spread: Set<string>,
): void {
  for (const selection of selectionSet.selections) {
    if (!included(selection.directives ?? [], info.variableValues, state)) continue;
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        if (!fields.byName.has(name)) break;
        const key = selection.alias?.value ?? name;
        const keys = into.get(name);
        if (keys === undefined) into.set(name, [key]);
        else if (!keys.includes(key)) keys.push(key);
        break;
      }
      case Kind.INLINE_FRAGMENT:
        collect(selection.selectionSet, info, fields, into, state, spread);
        break;
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = info.fragments[name];
        if (fragment === undefined || spread.has(name)) break;
        spread.add(name);
        collect(fragment.selectionSet, info, fields, into, state, spread);
        break;
      }
    }
  }
}

/**
 * `@skip` and `@include` as the executor applies them. Errs towards included: a field decided but
 * not read is recorded as if it left, never the other way round (no interfaces or unions, so
 * every fragment on these rows applies to them).
 */
function included(
  directives: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: unknown }[] }[],
  variables: Record<string, unknown>,
  state: { variables: boolean },
): boolean {
  for (const directive of directives) {
    const name = directive.name.value;
    if (name !== "skip" && name !== "include") continue;
    const arg = directive.arguments?.find((a) => a.name.value === "if")?.value as
      | { kind: Kind.BOOLEAN; value: boolean }
      | { kind: Kind.VARIABLE; name: { value: string } }
      | undefined;
    if (arg === undefined) continue;
    let condition: unknown;
    if (arg.kind === Kind.VARIABLE) {
      state.variables = true;
      condition = variables[arg.name.value];
    } else condition = arg.value;
    if (typeof condition !== "boolean") continue;
    if (name === "skip" ? condition : !condition) return false;
  }
  return true;
}
