import { MapperKind, mapSchema, pruneSchema } from "@graphql-tools/utils";
import {
  getNamedType,
  isInputObjectType,
  isObjectType,
  validateSchema,
  type GraphQLInputObjectType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import type { Caller } from "../policy/caller.js";
import { purposesFor } from "../policy/caller.js";
import { ceiling } from "../policy/ceiling.js";
import type { Effect } from "../policy/matrix.js";
import type { Policy } from "../policy/policy.js";
import type { DataMap, PersonalField } from "./dataMap.js";
import { FIELD_AUDIENCE, mayEverRead } from "./fieldAudience.js";
import { mayEverCall } from "./rootFieldAudience.js";

/** A caller that authenticated: anonymous requests are refused before GraphQL (401). */
export type KnownCaller = Exclude<Caller, { kind: "anonymous" }>;

/** Distinct schemas kept per base schema (roles, plus one per distinct partner grant). */
const MAX_CACHED = 256;
const caches = new WeakMap<GraphQLSchema, Map<string, GraphQLSchema>>();

/**
 * The schema this caller introspects (the way Hasura gives each role its own): only the fields
 * it could ever read for some purpose it may declare. From the data map and the policy: a
 * personal field stays when `ceiling` is better than deny for one of `purposesFor(caller)`, a
 * personal filter field when it is `allow` (filtering by a masked value reveals the stored one);
 * a root field stays when it serves this caller (rootFieldAudience.ts). A field whose type has
 * nothing left goes too, then every type no longer reachable. Built once per role, or per
 * distinct partner grant, under each policy, and cached.
 */
export function schemaForCaller(schema: GraphQLSchema, dataMap: DataMap, policy: Policy, caller: KnownCaller): GraphQLSchema {
  let cache = caches.get(schema);
  if (!cache) caches.set(schema, (cache = new Map()));
  const key = `${policy.hash}:${cacheKey(caller)}`;
  let filtered = cache.get(key);
  if (!filtered) {
    filtered = build(schema, dataMap, policy, caller);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, filtered);
  }
  return filtered;
}

/** Everything `ceiling` reads of the caller, and nothing else: callers alike share one schema. */
function cacheKey(caller: KnownCaller): string {
  switch (caller.kind) {
    case "customer":
      return "customer";
    case "staff":
      return `staff:${caller.role}`;
    case "partner": {
      const { grant } = caller;
      return `partner:${JSON.stringify([
        caller.partnerKind,
        caller.partnerRegion,
        [...grant.purposes].sort(),
        [...grant.categories].sort(),
        [...grant.regions].sort(),
        grant.transferBasis,
      ])}`;
    }
  }
}

function build(schema: GraphQLSchema, dataMap: DataMap, policy: Policy, caller: KnownCaller): GraphQLSchema {
  const purposes = purposesFor(policy, caller);
  const best = (field: PersonalField): Effect[] => purposes.map((p) => ceiling(policy, caller, p, field.category).effect);
  const hidden = new Set<string>();
  const hiddenInputs = new Set<string>();
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const name of Object.keys(root?.getFields() ?? {})) {
      if (!mayEverCall(caller, `${root!.name}.${name}`)) hidden.add(`${root!.name}.${name}`);
    }
  }
  for (const coordinate of Object.keys(FIELD_AUDIENCE)) if (!mayEverRead(caller, coordinate)) hidden.add(coordinate);
  for (const field of dataMap.fields.values()) if (!best(field).some((e) => e !== "deny")) hidden.add(field.coordinate);
  for (const field of dataMap.inputs.values()) if (!best(field).includes("allow")) hiddenInputs.add(field.coordinate);

  // To a fixpoint: a field or argument whose type has nothing left to show goes as well.
  const objects = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith("__"));
  const inputs = Object.values(schema.getTypeMap()).filter((t): t is GraphQLInputObjectType => isInputObjectType(t));
  const emptyObject = (t: GraphQLObjectType) => Object.keys(t.getFields()).every((f) => hidden.has(`${t.name}.${f}`));
  const emptyInput = (t: GraphQLInputObjectType) => Object.keys(t.getFields()).every((f) => hiddenInputs.has(`${t.name}.${f}`));
  for (let changed = true; changed; ) {
    changed = false;
    const empty = new Set<string>([...objects.filter(emptyObject), ...inputs.filter(emptyInput)].map((t) => t.name));
    for (const type of objects) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (hidden.has(coordinate)) continue;
        if (empty.has(getNamedType(field.type).name) || field.args.some((a) => empty.has(getNamedType(a.type).name))) {
          hidden.add(coordinate);
          changed = true;
        }
      }
    }
    for (const type of inputs) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (!hiddenInputs.has(coordinate) && empty.has(getNamedType(field.type).name)) {
          hiddenInputs.add(coordinate);
          changed = true;
        }
      }
    }
  }

  const mapped = mapSchema(schema, {
    [MapperKind.OBJECT_TYPE]: (type) => (type.name.startsWith("__") || !emptyObject(type) ? type : null),
    [MapperKind.INPUT_OBJECT_TYPE]: (type) => (emptyInput(type) ? null : type),
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => (hidden.has(`${typeName}.${fieldName}`) ? null : config),
    [MapperKind.INPUT_OBJECT_FIELD]: (config, fieldName, typeName) => (hiddenInputs.has(`${typeName}.${fieldName}`) ? null : config),
  });
  const filtered = pruneSchema(mapped);
  const errors = validateSchema(filtered);
  if (errors.length > 0) throw new Error(`schemaForCaller built an invalid schema: ${errors.map((e) => e.message).join("; ")}`);
  return filtered;
}
