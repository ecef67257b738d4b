import { getNamedType, isInterfaceType, isObjectType, isUnionType, type GraphQLNamedType, type GraphQLSchema } from "graphql";
import { SUBJECT_ROOT_TYPE, UNCLASSIFIED_FIELDS } from "./unclassifiedFields.js";

/**
 * The coordinates of every output field that describes a data subject: the fields of the subject
 * type and of every type reachable from it (through objects, interfaces, unions and lists), except
 * below an `accounting` exception (the log of who read the subject describes the readers, and its
 * own resolver decides who sees it). Each must carry a category or be listed in UNCLASSIFIED_FIELDS.
 */
export function subjectFieldsOf(schema: GraphQLSchema): string[] {
  const root = schema.getType(SUBJECT_ROOT_TYPE);
  if (!root) throw new Error(`the schema has no subject type ${SUBJECT_ROOT_TYPE}`);
  const seen = new Set<string>();
  const coordinates: string[] = [];
  const visit = (type: GraphQLNamedType): void => {
    if (seen.has(type.name)) return;
    seen.add(type.name);
    if (isUnionType(type)) {
      for (const member of type.getTypes()) visit(member);
      return;
    }
    if (isInterfaceType(type)) schema.getPossibleTypes(type).forEach(visit);
    if (!isObjectType(type) && !isInterfaceType(type)) return;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      coordinates.push(coordinate);
      if (UNCLASSIFIED_FIELDS[coordinate]?.kind !== "accounting") visit(getNamedType(field.type));
    }
  };
  visit(root);
  return coordinates;
}
