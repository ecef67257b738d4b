import type { GraphQLSchema } from "graphql";
import { isObjectType } from "graphql";
import type { IMiddlewareFieldMap } from "graphql-middleware";
import { rule, shield, type IRule } from "graphql-shield";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import type { GatewayContext } from "../graphql/context.js";
import type { DataMap, PersonalField } from "./dataMap.js";

/** The subject a personal value belongs to: every source row of a personal field carries it. */
function subjectOf(parent: unknown, field: PersonalField): string {
  const id = (parent as { customerId?: unknown } | null)?.customerId;
  if (typeof id !== "string" || id === "") {
    // A programming error (a source without its subject): withhold rather than guess.
    throw new GatewayError(ErrorCode.WITHHELD, `${field.coordinate} withheld: its data subject is unknown.`, { reason: "UNKNOWN_SUBJECT" });
  }
  return id;
}

/**
 * The request may execute: a caller who authenticated and a purpose that was resolved. Every
 * non-personal field stands on it, so a context that skipped the purpose plugin reads nothing.
 */
const purposeResolved = rule("purposeResolved", { cache: "contextual" })(
  (_parent, _args, ctx: GatewayContext) => ctx.caller.kind !== "anonymous" && ctx.enforcement.purpose !== null,
);

/**
 * The personal field's rule: the per-subject decision, never cached by shield (its cache would
 * key on the rule alone and reuse the first row's answer); decisions are cached per subject in
 * the request's enforcement state instead.
 */
function personalRule(field: PersonalField) {
  return rule(`personal:${field.coordinate}`, { cache: "no_cache" })(async (parent, _args, ctx: GatewayContext) => {
    if (ctx.caller.kind === "anonymous" || ctx.enforcement.purpose === null) return false;
    const subject = subjectOf(parent, field);
    const decision = ctx.enforcement.decisionNow(subject, field.category) ?? await ctx.enforcement.decideFor(subject, field.category);
    return decision.effect === "deny" ? ctx.enforcement.withheld(subject, field, decision.reason) : true;
  });
}

/** The rule tree generated from the schema and the data map: one rule map per object type. */
export type RuleTree = Record<string, Record<string, IRule>>;

export function createRuleTree(schema: GraphQLSchema, dataMap: DataMap): RuleTree {
  const tree: RuleTree = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const fields: Record<string, IRule> = {};
    for (const name of Object.keys(type.getFields())) {
      const personal = dataMap.fields.get(`${type.name}.${name}`);
      fields[name] = personal ? personalRule(personal) : purposeResolved;
    }
    tree[type.name] = fields;
  }
  return tree;
}

/**
 * graphql-shield configured to fail closed: deny what the tree does not name, a rule that throws
 * denies, and resolver errors pass through to formatError (which masks unexpected ones).
 */
export function createShield(schema: GraphQLSchema, dataMap: DataMap) {
  return shield(createRuleTree(schema, dataMap), {
    fallbackRule: rule("denyUnlisted", { cache: "strict" })(() => false),
    allowExternalErrors: true,
    debug: false,
    fallbackError: () => new GatewayError(ErrorCode.FORBIDDEN, "Not permitted."),
  });
}

/**
 * Inside shield: each personal field's value is transformed as decided (as stored, masked,
 * pseudonymised) and recorded, before it leaves the resolver chain.
 */
export function createValueTransforms(dataMap: DataMap): Record<string, IMiddlewareFieldMap> {
  const map: Record<string, IMiddlewareFieldMap> = {};
  for (const field of dataMap.fields.values()) {
    // Not async: a plain value stays plain, so graphql-js creates no promise for it.
    (map[field.typeName] ??= {})[field.fieldName] = ((resolve, parent, args, ctx: GatewayContext, info) => {
      const subject = subjectOf(parent, field);
      const value: unknown = resolve(parent, args, ctx, info);
      return isPromise(value) ? value.then((v) => ctx.enforcement.apply(subject, field, v)) : ctx.enforcement.apply(subject, field, value);
    }) as IMiddlewareFieldMap[string]; // graphql-middleware types every middleware as async; it calls them plainly
  }
  return map;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
