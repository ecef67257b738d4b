import { getDirective } from "@graphql-tools/utils";
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLOutputType,
  type GraphQLSchema,
} from "graphql";
import { isCategory, type Category } from "../policy/categories.js";
import { DEFAULT_MASK, isMaskKind, type MaskKind } from "../policy/masks.js";
import { IDENTIFIER_FIELDS, SUBJECT_ROOT_TYPE } from "./unclassifiedFields.js";

/**
 * What a value of a personal field is, for the transforms that can apply to it. `object`: a
 * container (an object or a list of objects, e.g. `Customer.visits`), whose own disclosure is that
 * it exists and how many it holds; its fields decide for themselves.
 */
export type ValueKind = "string" | "number" | "boolean" | "date" | "list" | "enum" | "object" | "other";

/**
 * A field whose disclosure a request records: a personal field (PersonalField), or an identifier
 * (unclassifiedFields.ts: an id is personal data too, and a read that returns only ids still
 * tells the caller who is there).
 */
export interface RecordedField {
  coordinate: string;
  typeName: string;
  fieldName: string;
  /** The field's parent row is the subject itself (`Customer`): its subject is the row's `id`, not its `customerId`. */
  onSubjectRow: boolean;
  /** The field's position in `DataMap.coordinates`: a request records what it did with it in an array, not a set of names. */
  slot: number;
}

export interface PersonalField extends RecordedField {
  /** Schema coordinate, `Profile.email` or `CustomerFilter.email`. */
  coordinate: string;
  typeName: string;
  fieldName: string;
  category: Category;
  /** The field's own mask, else its category's default. */
  mask: MaskKind;
  valueKind: ValueKind;
  /** An input field has a slot too: a subject matched by it (a lookup) is recorded under the input's coordinate. */
  slot: number;
  /**
   * The field's category's position in `DataMap.categories`, so that a request keeps a subject's
   * decisions in an array by category (a lookup by an input field is decided like a read).
   */
  categorySlot: number;
}

export interface DataMap {
  /** Personal output fields, by coordinate. */
  fields: ReadonlyMap<string, PersonalField>;
  /** Personal input fields (filters, mutation inputs), by coordinate: using one counts as reading. */
  inputs: ReadonlyMap<string, PersonalField>;
  /** Identifier fields of the schema (unclassifiedFields.ts), by coordinate: recorded, never decided. */
  identifiers: ReadonlyMap<string, RecordedField>;
  /** Distinct categories among the output and input fields. */
  categories: readonly Category[];
  /** The output, input and identifier fields' coordinates, sorted: position i is the field whose `slot` is i. */
  coordinates: readonly string[];
}

const cache = new WeakMap<GraphQLSchema, DataMap>();

/**
 * The data map, read once per schema from the `@personal` marks and cached: the single source
 * for the static check, the shield rules, the access report and the record of processing. A
 * mark with an unknown category or mask stops start-up (a typo must not leave a field unguarded).
 */
export function getDataMap(schema: GraphQLSchema): DataMap {
  let map = cache.get(schema);
  if (!map) {
    map = buildDataMap(schema);
    cache.set(schema, map);
  }
  return map;
}

function buildDataMap(schema: GraphQLSchema): DataMap {
  const outputs: PersonalField[] = [];
  const inputs: PersonalField[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (isObjectType(type)) outputs.push(...personalEntries(schema, type.name, Object.values(type.getFields())));
    else if (isInputObjectType(type)) inputs.push(...personalEntries(schema, type.name, Object.values(type.getFields())));
  }
  const identifiers = [...IDENTIFIER_FIELDS].flatMap((coordinate): RecordedField[] => {
    const [typeName = "", fieldName = ""] = coordinate.split(".");
    const type = schema.getType(typeName);
    return isObjectType(type) && type.getFields()[fieldName]
      ? [{ coordinate, typeName, fieldName, onSubjectRow: typeName === SUBJECT_ROOT_TYPE, slot: -1 }]
      : [];
  });
  const categories = [...new Set([...outputs, ...inputs].map((f) => f.category))].sort();
  const coordinates = [...outputs, ...inputs, ...identifiers].map((f) => f.coordinate).sort();
  const slots = new Map(coordinates.map((coordinate, slot) => [coordinate, slot]));
  const placed = <F extends RecordedField>(found: F[]) =>
    new Map(found.map((f) => [f.coordinate, { ...f, slot: slots.get(f.coordinate)! }]));
  const personal = (found: PersonalField[]) =>
    new Map([...placed(found)].map(([c, f]) => [c, { ...f, categorySlot: categories.indexOf(f.category) }]));
  return { fields: personal(outputs), inputs: personal(inputs), identifiers: placed(identifiers), categories, coordinates };
}

function personalEntries(
  schema: GraphQLSchema,
  typeName: string,
  fields: (GraphQLField<unknown, unknown> | GraphQLInputField)[],
): PersonalField[] {
  return fields.flatMap((field) => personalEntry(schema, typeName, field) ?? []);
}

function personalEntry(
  schema: GraphQLSchema,
  typeName: string,
  field: GraphQLField<unknown, unknown> | GraphQLInputField,
): PersonalField | null {
  const [mark] = getDirective(schema, field, "personal") ?? [];
  if (!mark) return null;
  const coordinate = `${typeName}.${field.name}`;
  const category = mark.category as unknown;
  if (!isCategory(category)) throw new Error(`@personal on ${coordinate}: unknown category ${String(category)}`);
  const mask = (mark.mask as unknown) ?? DEFAULT_MASK[category];
  if (!isMaskKind(mask)) throw new Error(`@personal on ${coordinate}: unknown mask ${String(mask)}`);
  return {
    coordinate,
    typeName,
    fieldName: field.name,
    category,
    mask,
    valueKind: valueKind(field.type as GraphQLOutputType),
    onSubjectRow: typeName === SUBJECT_ROOT_TYPE,
    slot: -1,
    categorySlot: -1,
  };
}

function valueKind(type: GraphQLOutputType): ValueKind {
  const inner = isNonNullType(type) ? type.ofType : type;
  const named = getNamedType(inner);
  if (isObjectType(named)) return "object";
  if (isListType(inner)) return "list";
  if (isEnumType(named)) return "enum";
  switch (named.name) {
    case "String":
    case "ID":
      return "string";
    case "Int":
    case "Float":
      return "number";
    case "Boolean":
      return "boolean";
    case "DateTimeISO":
      return "date";
    default:
      return "other";
  }
}
