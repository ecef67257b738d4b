import { getNamedType, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema } from "graphql";
import { MapperKind, mapSchema } from "@graphql-tools/utils";
import { applyMiddleware, type IMiddlewareFieldMap } from "graphql-middleware";
import { rule, shield, type IRule } from "graphql-shield";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import type { EnforcementContext } from "./EnforcementContext.js";
import type { Decision } from "../policy/decide.js";
import { subjectOf, type FieldRule, type RuleTree, type Verdict } from "./createRuleTree.js";
import type { DataMap, PersonalField, RecordedField } from "./dataMap.js";
import { decidingRows, rawRow, returnsList, rowDecidedTypes } from "./decideRows.js";
import { isPromise } from "./isPromise.js";

/**
 * How the rule tree stands on the fields. `guards` (the default): one synchronous wrapper per
 * field that needs one, the rule and the value transform together. `shield`: graphql-shield's
 * own middleware, which makes every field a promise (STACK.md; upstream #416, #812) and cost the
 * support page more than half its throughput (bench/RESULTS-policy.md); kept as the reference
 * that the conformance test holds `guards` to, answer for answer.
 */
export type RuleExecutor = "guards" | "shield";

/** The refusal of a field that a rule did not allow, or that no rule names. */
const notPermitted = () => new GatewayError(ErrorCode.FORBIDDEN, "Not permitted.");

/**
 * Stands the rule tree on every field of every object type (introspection aside), failing closed
 * as graphql-shield is configured to: a field the tree does not name is refused, a rule that
 * throws or rejects refuses, anything but `true` refuses. A personal field's value is then
 * transformed as decided (as stored, masked, pseudonymised) and recorded, before it leaves.
 * An identifier field's value leaves in the request's id scope (inScope). No promise is created
 * unless the rule or the resolver returns one. (`guards` checks the request-level rule that every
 * root field stands on at the root only: see ruleOfEveryRootField.)
 */
export function applyRuleTree(schema: GraphQLSchema, tree: RuleTree, dataMap: DataMap, executor: RuleExecutor = "guards"): GraphQLSchema {
  return executor === "shield" ? applyShield(schema, tree, dataMap) : applyGuards(schema, tree, dataMap);
}

function applyGuards(schema: GraphQLSchema, tree: RuleTree, dataMap: DataMap): GraphQLSchema {
  const roots = rootTypes(schema);
  const kept = ruleOfEveryRootField(roots, tree);
  const rowTypes = rowDecidedTypes(schema, tree, dataMap);
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const decidedType = rowTypes.get(typeName);
      // Decided with its row, by the field that returns the row (decideRows.ts): read as a property.
      if (decidedType?.byName.has(fieldName)) return config;
      const guarded = guardedField(config.resolve as Resolver | undefined, fieldName, typeName, config.type);
      // The other fields' resolvers and guards read the row as loaded, as they would without decided rows.
      return guarded === undefined ? config : { ...config, resolve: decidedType ? withRowAsLoaded(guarded) : guarded };
    },
  });

  /** The field's resolver as guarded, or undefined where the executor reads the property unguarded. */
  function guardedField(
    ownResolver: Resolver | undefined,
    fieldName: string,
    typeName: string,
    type: GraphQLOutputType,
  ): Resolver | undefined {
    const fieldRule = tree[typeName]?.[fieldName];
    const personal = dataMap.fields.get(`${typeName}.${fieldName}`);
    const identifier = dataMap.identifiers.get(`${typeName}.${fieldName}`);
    const rows = rowTypes.get(getNamedType(type).name);
    const own = ownResolver ?? propertyOf(fieldName);
    const resolve = identifier ? inScope(own, identifier) : rows ? decidingRows(own, rows, returnsList(type)) : own;
    if (kept !== undefined && fieldRule === kept && !personal && !roots.some((t) => t.name === typeName)) {
      return resolve === own ? ownResolver : resolve;
    }
    return !fieldRule
      ? notPermitted
      : personal && fieldRule.decide
        ? personalGuard(fieldRule.decide, resolve, personal)
        : personal
          ? guard(fieldRule, withValueTransform(resolve, personal)) // a rule that does not decide: decide again
          : guard(fieldRule, resolve);
  }
}

/** The resolver given the row as loaded where its parent is a decided row's copy (decideRows.ts). */
function withRowAsLoaded(resolve: Resolver): Resolver {
  return (parent, args, ctx, info) => resolve(rawRow(parent), args, ctx, info);
}

type Resolver = GraphQLFieldResolver<unknown, EnforcementContext>;

/**
 * graphql-js's default resolver with the field's name fixed, for a field without a resolver of
 * its own (object types with personal fields declare `simpleResolvers`, so their plain fields
 * have none). Every field's closure comes from this one function, so the guards' call to it can
 * be inlined; a call through type-graphql's per-field resolver could not be, and allocated two
 * objects per cell (about 1.5 ms of a page of 10,000 personal cells: bench/RESULTS-policy.md).
 */
function propertyOf(fieldName: string): Resolver {
  return (parent, args, ctx, info) => {
    const value = (parent as Record<string, unknown> | null)?.[fieldName];
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).call(parent, args, ctx, info) : value;
  };
}

const rootTypes = (schema: GraphQLSchema): GraphQLObjectType[] =>
  [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => t != null);

/**
 * The request-level rule that every root field stands on or includes (FieldRule.includes), if
 * there is one. Once a root field has passed it, it holds for the rest of the request (the caller
 * and the purpose do not change), and any other field is reached only through a root field; so
 * another field that stands on that same rule is not wrapped, and costs what it costs unguarded.
 * graphql-shield's "contextual" cache answers the same, after a call per field. A field with any
 * other rule is guarded.
 */
function ruleOfEveryRootField(roots: GraphQLObjectType[], tree: RuleTree): FieldRule | undefined {
  const rules = new Set(
    roots.flatMap((type) =>
      Object.keys(type.getFields()).map((name) => {
        const rule = tree[type.name]?.[name];
        return rule?.includes ?? rule;
      }),
    ),
  );
  const [only] = rules;
  return rules.size === 1 && only !== undefined && !only.perSubject ? only : undefined;
}

/**
 * An identifier field (unclassifiedFields.ts): its value as the request's id scope gives it,
 * a partner's pairwise id or a purpose's pseudonym (createIdScope.ts), recorded as a disclosure
 * of its subject. Only the answer changes: child resolvers still read the row's internal id from
 * their parent.
 */
function inScope(resolve: Resolver, field: RecordedField): Resolver {
  return (parent, args, ctx, info) => {
    const value = resolve(parent, args, ctx, info);
    return isPromise(value)
      ? value.then((v) => externalId(ctx, parent, field, v, info.path))
      : externalId(ctx, parent, field, value, info.path);
  };
}

function externalId(ctx: EnforcementContext, parent: unknown, field: RecordedField, value: unknown, at: Info["path"]): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value !== "string") throw new Error("an identifier field resolved to something that is not an id");
  const external = ctx.enforcement.ids().external(value);
  ctx.enforcement.identified(subjectOf(parent, field), field, at);
  return external;
}

/** The resolver, its personal value then decided, transformed (as stored, masked, pseudonymised) and recorded. */
function withValueTransform(resolve: Resolver, field: PersonalField): Resolver {
  return (parent, args, ctx, info) => {
    const subject = subjectOf(parent, field);
    const value = resolve(parent, args, ctx, info);
    return isPromise(value)
      ? applyWhenResolved(value, ctx, subject, field, info.path)
      : ctx.enforcement.apply(subject, field, value, info.path);
  };
}

// The wrappers below run once per field of every row. They allocate nothing in the common case:
// no named closure (tsx names each one with a defineProperty call, measurable on a page of 20,000
// fields), no promise unless the rule or the resolver returns one, and no context: a function
// whose locals an inner arrow captures gets a context allocated on every call, even when the
// arrow is never made, so the promise paths live in the module-level functions after them.
function guard(fieldRule: FieldRule, resolve: Resolver): Resolver {
  return (parent, args, ctx, info) => {
    let verdict: Verdict | Promise<Verdict>;
    try {
      verdict = fieldRule.check(parent, ctx);
    } catch {
      return notPermitted();
    }
    if (verdict === true) return resolve(parent, args, ctx, info);
    if (isPromise(verdict)) return resolveWhenAllowed(verdict, resolve, parent, args, ctx, info);
    return refusal(verdict);
  };
}

/**
 * A personal field: its rule's decision (the same one its `check` gives as a verdict) refuses,
 * withholds, or is applied to the value and recorded. One decision per cell, its subject read once.
 */
function personalGuard(decide: NonNullable<FieldRule["decide"]>, resolve: Resolver, field: PersonalField): Resolver {
  return (parent, args, ctx, info) => {
    let subject: string;
    let decision: ReturnType<typeof decide>;
    try {
      subject = subjectOf(parent, field);
      decision = decide(subject, ctx);
    } catch {
      return notPermitted();
    }
    if (isPromise(decision)) return discloseWhenDecided(decision, resolve, field, subject, parent, args, ctx, info);
    return disclose(resolve, field, subject, parent, args, ctx, info, decision);
  };
}

type Args = Parameters<Resolver>[1];
type Info = Parameters<Resolver>[3];

function disclose(
  resolve: Resolver,
  field: PersonalField,
  subject: string,
  parent: unknown,
  args: Args,
  ctx: EnforcementContext,
  info: Info,
  decision: Decision | null,
): unknown {
  if (decision === null) return notPermitted();
  if (decision.effect === "deny") return ctx.enforcement.withheld(subject, field, decision.reason);
  const value = resolve(parent, args, ctx, info);
  return isPromise(value)
    ? discloseWhenResolved(value, ctx, subject, field, decision, info.path)
    : ctx.enforcement.disclose(subject, field, decision, value, info.path);
}

function resolveWhenAllowed(
  verdict: Promise<Verdict>,
  resolve: Resolver,
  parent: unknown,
  args: Args,
  ctx: EnforcementContext,
  info: Info,
) {
  return verdict.then((v) => (v === true ? resolve(parent, args, ctx, info) : refusal(v)), notPermitted);
}

function discloseWhenDecided(
  decision: Promise<Decision>,
  resolve: Resolver,
  field: PersonalField,
  subject: string,
  parent: unknown,
  args: Args,
  ctx: EnforcementContext,
  info: Info,
) {
  return decision.then((d) => disclose(resolve, field, subject, parent, args, ctx, info, d), notPermitted);
}

function discloseWhenResolved(
  value: Promise<unknown>,
  ctx: EnforcementContext,
  subject: string,
  field: PersonalField,
  decision: Decision,
  at: Info["path"],
) {
  return value.then((v) => ctx.enforcement.disclose(subject, field, decision, v, at));
}

function applyWhenResolved(value: Promise<unknown>, ctx: EnforcementContext, subject: string, field: PersonalField, at: Info["path"]) {
  return value.then((v) => ctx.enforcement.apply(subject, field, v, at));
}

/** A rule's refusal: its own error (WITHHELD with a reason), else FORBIDDEN. */
function refusal(verdict: Verdict): Error {
  return verdict instanceof Error ? verdict : notPermitted();
}

/** The same tree through graphql-shield 7 (fallback deny, allowExternalErrors) and graphql-middleware. */
function applyShield(schema: GraphQLSchema, tree: RuleTree, dataMap: DataMap): GraphQLSchema {
  const shieldRules = new Map<FieldRule, IRule>();
  const toShield = (r: FieldRule) =>
    shieldRules.get(r) ??
    shieldRules
      .set(
        r,
        rule(r.name, { cache: r.perSubject ? "no_cache" : "contextual" })((parent, _args, ctx: EnforcementContext) => r.check(parent, ctx)),
      )
      .get(r)!;
  const ruleTree = Object.fromEntries(
    Object.entries(tree).map(([type, fields]) => [
      type,
      Object.fromEntries(Object.entries(fields).map(([name, r]) => [name, toShield(r)])),
    ]),
  );
  const guards = shield(ruleTree, {
    fallbackRule: rule("denyUnlisted", { cache: "strict" })(() => false),
    allowExternalErrors: true,
    debug: false,
    fallbackError: notPermitted,
  });
  const transforms: Record<string, IMiddlewareFieldMap> = {};
  for (const field of dataMap.fields.values()) {
    (transforms[field.typeName] ??= {})[field.fieldName] = ((resolve: Resolver, parent, args, ctx, info) =>
      withValueTransform(resolve, field)(parent, args, ctx, info)) as IMiddlewareFieldMap[string];
  }
  for (const field of dataMap.identifiers.values()) {
    (transforms[field.typeName] ??= {})[field.fieldName] = ((resolve: Resolver, parent, args, ctx, info) =>
      inScope(resolve, field)(parent, args, ctx, info)) as IMiddlewareFieldMap[string];
  }
  return applyMiddleware(schema, guards, transforms);
}
