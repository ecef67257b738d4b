import { isObjectType, type GraphQLSchema } from "graphql";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import type { EnforcementContext } from "./EnforcementContext.js";
import type { Decision } from "../policy/decide.js";
import type { DataMap, PersonalField, RecordedField } from "./dataMap.js";
import { mayEverCall } from "./rootFieldAudience.js";
import { subjectFieldsOf } from "./subjectFieldsOf.js";
import { UNCLASSIFIED_FIELDS } from "./unclassifiedFields.js";

/** What a field rule answers: `true` lets the field resolve; `false` refuses (FORBIDDEN); an Error refuses with itself. */
export type Verdict = boolean | Error;

/** One field's rule: a plain function of the row and the request, synchronous whenever it can be. */
export interface FieldRule {
  /** `purposeResolved`, or `personal:<coordinate>` for a personal field. */
  readonly name: string;
  /** Reads the row (the data subject): never cached across rows. */
  readonly perSubject: boolean;
  readonly check: (parent: unknown, ctx: EnforcementContext) => Verdict | Promise<Verdict>;
  /**
   * A personal field's rule only: the decision its `check` is the verdict of, for the row's
   * subject (`subjectOf(parent, field)`; null: the request has no purpose to decide it for). The guards
   * apply this same decision to the value, so a cell is decided once and its subject read once;
   * graphql-shield, which only takes verdicts, calls `check`.
   */
  readonly decide?: (subject: string, ctx: EnforcementContext) => Decision | null | Promise<Decision>;
  /**
   * A request-level rule this one includes (a root field's audience rule includes `purposeResolved`):
   * once this one has passed, that one holds for the rest of the request (see applyRuleTree).
   */
  readonly includes?: FieldRule;
}

/** The rule tree generated from the schema and the data map: one rule map per object type. */
export type RuleTree = Record<string, Record<string, FieldRule>>;

/** The subject a personal value belongs to: every source row of a personal field carries it (a subject's own row is it). */
export function subjectOf(parent: unknown, field: RecordedField): string {
  const row = parent as { customerId?: unknown; id?: unknown } | null;
  const id = field.onSubjectRow ? row?.id : row?.customerId;
  if (typeof id !== "string" || id === "") {
    // A programming error (a source without its subject): withhold rather than guess.
    throw new GatewayError(ErrorCode.WITHHELD, `${field.coordinate} withheld: its data subject is unknown.`, { reason: "UNKNOWN_SUBJECT" });
  }
  return id;
}

const requestMayExecute = (ctx: EnforcementContext) => ctx.caller.kind !== "anonymous" && ctx.enforcement.mayExecute;

/**
 * The request may execute: a caller who authenticated and a purpose that was resolved (or an
 * operation that needs none). Every non-personal field stands on it, so a context that skipped
 * the purpose plugin reads nothing.
 */
const purposeResolved: FieldRule = { name: "purposeResolved", perSubject: false, check: (_parent, ctx) => requestMayExecute(ctx) };

/**
 * A root field's rule, generated from its audience (ROOT_FIELD_AUDIENCE): the request may execute
 * and the caller is one the field serves. The static check refuses such an operation before
 * execution; this refuses it again, before the resolver runs, should a request get past it.
 */
function rootFieldRule(coordinate: string): FieldRule {
  return {
    name: `audience:${coordinate}`,
    perSubject: false,
    includes: purposeResolved,
    check: (_parent, ctx) =>
      requestMayExecute(ctx) &&
      (mayEverCall(ctx.caller, coordinate) ||
        new GatewayError(ErrorCode.FORBIDDEN, `Not permitted: ${coordinate} does not serve your role or grant.`)),
  };
}

/**
 * The personal field's rule: the per-subject decision (cached per subject and category in the
 * request's enforcement state). Synchronous once the subject's state is loaded (pages preload it).
 */
function personalRule(field: PersonalField): FieldRule {
  const decide = (subject: string, ctx: EnforcementContext): Decision | null | Promise<Decision> => {
    // A personal value is decided for a purpose: without one (an operation that needs none) it is refused.
    if (ctx.caller.kind === "anonymous" || ctx.enforcement.purpose === null) return null;
    return ctx.enforcement.decisionNow(subject, field) ?? ctx.enforcement.decideFor(subject, field);
  };
  const verdictOf = (decision: Decision | null, subject: string, ctx: EnforcementContext): Verdict =>
    decision === null ? false : decision.effect === "deny" ? ctx.enforcement.withheld(subject, field, decision.reason) : true;
  return {
    name: `personal:${field.coordinate}`,
    perSubject: true,
    decide,
    check(parent, ctx) {
      const subject = subjectOf(parent, field);
      const decision = decide(subject, ctx);
      return decision instanceof Promise ? decision.then((d) => verdictOf(d, subject, ctx)) : verdictOf(decision, subject, ctx);
    },
  };
}

/**
 * A field about a subject that carries no category and is not a listed exception: refused, never
 * passed through (DESIGN.md section 2). test/schema/classification.test.ts keeps the schema free
 * of them; this is the run-time half, should one slip in.
 */
const unclassified: FieldRule = {
  name: "unclassified",
  perSubject: false,
  check: () => new GatewayError(ErrorCode.FORBIDDEN, "Not permitted: this field about a data subject carries no data category."),
};

/**
 * Every generated rule map: a root field's audience rule; a personal field's per-subject rule; on
 * a type that describes a subject (subjectFieldsOf), an unlisted field without a category
 * refused; any other field the request-level rule.
 */
export function createRuleTree(schema: GraphQLSchema, dataMap: DataMap): RuleTree {
  const tree: RuleTree = {};
  const aboutSubjects = new Set(subjectFieldsOf(schema));
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const fields: Record<string, FieldRule> = {};
    for (const name of Object.keys(type.getFields())) {
      const coordinate = `${type.name}.${name}`;
      const personal = dataMap.fields.get(coordinate);
      fields[name] = roots.has(type)
        ? rootFieldRule(coordinate)
        : personal
          ? personalRule(personal)
          : aboutSubjects.has(coordinate) && UNCLASSIFIED_FIELDS[coordinate] === undefined
            ? unclassified
            : purposeResolved;
    }
    tree[type.name] = fields;
  }
  return tree;
}
