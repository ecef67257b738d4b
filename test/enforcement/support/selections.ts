import { getNamedType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import type { DataMap } from "../../../src/enforcement/dataMap.js";
import type { Caller } from "../../../src/policy/caller.js";
import { ceiling } from "../../../src/policy/ceiling.js";
import type { Purpose } from "../../../src/policy/purposes.js";
import { AUDIT_FIELDS } from "./auditFields.js";
import { DEFAULT_POLICY } from "../../../src/policy/index.js";

/**
 * Every field of the customer graph this caller could ever read for this purpose (personal
 * fields whose ceiling is not deny, and every non-personal field), so an operation built from it
 * passes the static check and reads as much as the caller may.
 */
export function readableSelection(
  schema: GraphQLSchema,
  dataMap: DataMap,
  caller: Caller,
  purpose: Purpose,
  typeName = "Customer",
  visits = 3,
): string {
  const type = schema.getType(typeName) as GraphQLObjectType;
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (AUDIT_FIELDS.has(`${type.name}.${field.name}`)) continue;
    const personal = dataMap.fields.get(`${type.name}.${field.name}`);
    if (personal && ceiling(DEFAULT_POLICY, caller, purpose, personal.category).effect === "deny") continue; // a container too
    const named = getNamedType(field.type);
    if (isObjectType(named)) {
      const inner = readableSelection(schema, dataMap, caller, purpose, named.name, visits);
      const args = field.args.some((a) => a.name === "first") ? `(first: ${visits})` : "";
      parts.push(`${field.name}${args} { ${inner === "" ? "__typename" : inner} }`);
      continue;
    }
    parts.push(field.name);
  }
  return parts.join(" ");
}
