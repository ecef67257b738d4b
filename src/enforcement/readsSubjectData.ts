import { getNamedType, isInterfaceType, isObjectType, isUnionType, type GraphQLNamedType, type GraphQLSchema } from "graphql";
import type { OperationReads } from "./collectOperationReads.js";
import { getDataMap } from "./dataMap.js";
import { subjectFieldsOf } from "./subjectFieldsOf.js";
import { SUBJECT_ROOT_TYPE } from "./unclassifiedFields.js";

const cache = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/**
 * The schema's names for a subject's id outside the subject type (`SubjectRequest.subjectId`,
 * `explainAccess(subjectId:)`, `subjectRequests(customerId:)`): a type with such a field is about
 * a subject, and a field with such an argument reaches one.
 */
const SUBJECT_ID_NAMES: ReadonlySet<string> = new Set(["subjectId", "customerId"]);

/**
 * Whether an operation's reads (collectOperationReads) reach personal data or a data subject: a
 * personal output or input field, an identifier, a field about a subject (subjectFieldsOf), a
 * field whose type leads to a subject or hangs from one (`customers { totalCount }` counts
 * subjects; the accounting of disclosures below `Customer.disclosures` is about one) or names one
 * (SUBJECT_ID_NAMES), or a field that takes a subject's id as an argument. An operation
 * that reaches none reads nothing a purpose could govern (a partner's `myGrant`, the partner
 * administration), so it needs no purpose (createPurposePlugin).
 */
export function readsSubjectData(schema: GraphQLSchema, reads: OperationReads): boolean {
  const dataMap = getDataMap(schema);
  for (const coordinate of reads.inputs) if (dataMap.inputs.has(coordinate)) return true;
  const subjectFields = subjectFieldCoordinates(schema);
  for (const coordinate of reads.fields) if (subjectFields.has(coordinate)) return true;
  return false;
}

/** Every output field coordinate that reaches a subject's data, computed once per schema. */
function subjectFieldCoordinates(schema: GraphQLSchema): ReadonlySet<string> {
  let coordinates = cache.get(schema);
  if (coordinates === undefined) {
    const types = subjectTypes(schema);
    const dataMap = getDataMap(schema);
    const found = new Set<string>([...dataMap.fields.keys(), ...dataMap.identifiers.keys(), ...subjectFieldsOf(schema)]);
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (types.has(getNamedType(field.type).name) || field.args.some((a) => SUBJECT_ID_NAMES.has(a.name)))
          found.add(`${type.name}.${field.name}`);
      }
    }
    coordinates = found;
    cache.set(schema, coordinates);
  }
  return coordinates;
}

/**
 * The composite types that hold subject data: the subject type and every type that names a
 * subject by its id, every type reachable from them (the accounting included), and every type
 * from which they can be reached (a page, an edge).
 */
function subjectTypes(schema: GraphQLSchema): Set<string> {
  const composite = Object.values(schema.getTypeMap()).filter(
    (t) => !t.name.startsWith("__") && (isObjectType(t) || isInterfaceType(t) || isUnionType(t)),
  );
  const below = (type: GraphQLNamedType): GraphQLNamedType[] => {
    if (isUnionType(type)) return [...type.getTypes()];
    if (isObjectType(type) || isInterfaceType(type)) {
      return [
        ...Object.values(type.getFields()).map((f) => getNamedType(f.type)),
        ...(isInterfaceType(type) ? schema.getPossibleTypes(type) : []),
      ];
    }
    return [];
  };
  const root = schema.getType(SUBJECT_ROOT_TYPE);
  if (!root) throw new Error(`the schema has no subject type ${SUBJECT_ROOT_TYPE}`);
  const namesSubject = (type: GraphQLNamedType) =>
    (isObjectType(type) || isInterfaceType(type)) && Object.keys(type.getFields()).some((name) => SUBJECT_ID_NAMES.has(name));
  // Down from the subject and from what names one.
  const types = new Set<string>();
  const pending: GraphQLNamedType[] = [root, ...composite.filter(namesSubject)];
  for (let type = pending.pop(); type !== undefined; type = pending.pop()) {
    if (types.has(type.name) || !composite.includes(type)) continue;
    types.add(type.name);
    pending.push(...below(type));
  }
  // Up to it: a type any of whose fields, members or implementations is already in, until none is added.
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => (t ? [t.name] : [])),
  );
  for (let added = true; added; ) {
    added = false;
    for (const type of composite) {
      if (types.has(type.name) || roots.has(type.name) || !below(type).some((t) => types.has(t.name))) continue;
      types.add(type.name);
      added = true;
    }
  }
  return types;
}
