/**
 * Random GraphQL operations over the customer graph, for the leak hunt: random selections of
 * personal and non-personal fields at every level, aliases (and the same field twice under two
 * response keys), named fragments, inline fragments with and without a type condition,
 * @skip/@include (literal or variable), variables for ids, sizes, cursors and filters; roots
 * `customers(first, after, filter)`, `customer(id)`, `me` and `explainAccess`.
 *
 * A generated `OpSpec` is plain data (fast-check shrinks it); `renderOperation` turns it into a
 * document for one caller and purpose. In "allowedOnly" mode the renderer drops personal fields
 * whose ceiling is deny for that caller and purpose, so most operations get past the static check
 * and read data; in "any" mode they stay, and the operation must be rejected whole.
 */
import fc from "fast-check";
import { getNamedType, isLeafType, isObjectType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import type { IdScope } from "../../../src/enforcement/createIdScope.js";
import type { DataMap } from "../../../src/enforcement/dataMap.js";
import { purposesFor, type Caller } from "../../../src/policy/caller.js";
import { ceiling } from "../../../src/policy/ceiling.js";
import { sameIdentifierScope } from "../../../src/policy/identifierScope.js";
import type { Purpose } from "../../../src/policy/purposes.js";
import { AUDIT_FIELDS } from "./auditFields.js";
import { DEFAULT_POLICY } from "../../../src/policy/index.js";

/** `via`: a literal, a variable the request sends, or a variable left to its default value. */
export type Via = "literal" | "variable" | "default";

export type Dir = { kind: "skip" | "include"; value: boolean; via: Via } | null;

export type Sel =
  | { k: "field"; name: string; alias: boolean; twice: boolean; dir: Dir; first: number | null; firstVar: boolean; sub: Sel[] | null }
  | { k: "group"; mode: "inline" | "typed" | "named"; dir: Dir; sub: Sel[] };

export type FilterSpec =
  | null
  | { kind: "residency"; value: string }
  | { kind: "status"; value: "ACTIVE" | "RESTRICTED" | "ERASED" }
  | { kind: "email"; subject: number; via: Via; wholeObject: boolean; shout: boolean };

export type RootSpec =
  | {
      kind: "customers";
      first: number;
      firstVar: boolean;
      after: number | null;
      filter: FilterSpec;
      totalCount: boolean;
      pageInfo: boolean;
      cursor: boolean;
      nodeInFragment: boolean;
      node: Sel[];
    }
  | { kind: "customer"; target: number; self: boolean; viaVar: boolean; node: Sel[] }
  | { kind: "me"; node: Sel[] }
  | { kind: "explain"; target: number; self: boolean; coordinate: number; purpose: number | null };

export interface OpSpec {
  roots: RootSpec[];
  /** Keep only fields the caller could ever read for the purpose (most ops), or any field. */
  allowedOnly: boolean;
}

export interface RenderContext {
  schema: GraphQLSchema;
  dataMap: DataMap;
  caller: Caller;
  /** The purpose the operation will run under (null: none declared). */
  purpose: Purpose | null;
  /** How the purpose is declared. */
  declare: "directive" | "header" | "both" | "none";
  /** Internal ids; the operation sends them as `ids` gives them (the caller's id scope for the purpose). */
  customerIds: readonly string[];
  ids: IdScope;
  emailOf: (customerId: string) => string | null;
  residencies: readonly string[];
}

export interface RenderedOperation {
  query: string;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
  /** Value of the email filter, if any (an input read of CustomerFilter.email). */
  emailFilter: string | null;
}

// ---- arbitraries --------------------------------------------------------------------------------

function viaArb(defaults: number): fc.Arbitrary<Via> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant("literal" as const) },
    { weight: 8, arbitrary: fc.constant("variable" as const) },
    { weight: defaults, arbitrary: fc.constant("default" as const) },
  );
}

const dirArb: fc.Arbitrary<Dir> = fc.oneof(
  { weight: 7, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("skip" as const, "include" as const), value: fc.boolean(), via: viaArb(1) }) },
);

function optionalArb<T>(arb: fc.Arbitrary<T>, pSome: number): fc.Arbitrary<T | null> {
  const weight = Math.round(pSome * 100);
  return fc.oneof({ weight: 100 - weight, arbitrary: fc.constant(null) }, { weight, arbitrary: arb });
}

const cache = new Map<string, fc.Arbitrary<Sel[]>>();

function fieldArb(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): fc.Arbitrary<Sel> {
  const named = getNamedType(field.type);
  const hasFirst = field.args.some((a) => a.name === "first");
  return fc.record({
    k: fc.constant("field" as const),
    name: fc.constant(field.name),
    alias: fc.boolean(),
    twice: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    dir: dirArb,
    first: hasFirst ? optionalArb(fc.integer({ min: 1, max: 4 }), 0.8) : fc.constant(null),
    firstVar: fc.boolean(),
    sub: isObjectType(named) ? selectionArb(schema, named) : fc.constant(null),
  });
}

/** Random selections on one object type: each field in or out, grouped into fragments. */
export function selectionArb(schema: GraphQLSchema, type: GraphQLObjectType): fc.Arbitrary<Sel[]> {
  const cached = cache.get(type.name);
  if (cached) return cached;
  const fields = Object.values(type.getFields()).filter((f) => !AUDIT_FIELDS.has(`${type.name}.${f.name}`));
  const objectFields = fields.filter((f) => !isLeafType(getNamedType(f.type)));
  const pLeaf = type.name === "Customer" ? 0.3 : 0.4;
  const pObject = type.name === "Customer" ? 0.3 : 0.6;
  const arb = fc
    .record({
      picked: fc.tuple(...fields.map((f) => optionalArb(fieldArb(schema, f), objectFields.includes(f) ? pObject : pLeaf))),
      placement: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: fields.length, maxLength: fields.length }),
      modes: fc.tuple(...[1, 2, 3].map(() => fc.constantFrom("inline" as const, "typed" as const, "named" as const))),
      dirs: fc.tuple(dirArb, dirArb, dirArb),
    })
    .map(({ picked, placement, modes, dirs }) => {
      const top: Sel[] = [];
      const groups: Sel[][] = [[], [], []];
      picked.forEach((sel, i) => {
        if (!sel) return;
        const place = placement[i] ?? 0;
        // Two thirds stay at the top level; the rest go into up to three fragments.
        if (place === 0 || place === 1) top.push(sel);
        else (groups[(place + i) % 3] as Sel[]).push(sel);
      });
      groups.forEach((sub, g) => {
        if (sub.length > 0) top.push({ k: "group", mode: modes[g] ?? "inline", dir: dirs[g] ?? null, sub });
      });
      return top;
    });
  cache.set(type.name, arb);
  return arb;
}

export function opSpecArb(schema: GraphQLSchema, customers: number): fc.Arbitrary<OpSpec> {
  const customerType = schema.getType("Customer") as GraphQLObjectType;
  const node = selectionArb(schema, customerType);
  const filter: fc.Arbitrary<FilterSpec> = fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("residency" as const), value: fc.constantFrom("EU", "UK", "US", "CH", "BR") }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("status" as const),
        value: fc.constantFrom("ACTIVE" as const, "RESTRICTED" as const, "ERASED" as const),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("email" as const),
        subject: fc.nat(customers - 1),
        via: viaArb(5),
        wholeObject: fc.boolean(),
        shout: fc.boolean(),
      }),
    },
  );
  const root: fc.Arbitrary<RootSpec> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant("customers" as const),
        first: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }, { weight: 4, arbitrary: fc.integer({ min: 3, max: 6 }) }),
        firstVar: fc.boolean(),
        after: optionalArb(fc.nat(customers - 1), 0.25),
        filter,
        totalCount: fc.boolean(),
        pageInfo: fc.boolean(),
        cursor: fc.boolean(),
        nodeInFragment: fc.boolean(),
        node,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("customer" as const),
        target: fc.nat(customers - 1),
        self: fc.boolean(),
        viaVar: fc.boolean(),
        node,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("me" as const), node }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("explain" as const),
        target: fc.nat(customers - 1),
        self: fc.boolean(),
        coordinate: fc.nat(200),
        purpose: optionalArb(fc.nat(12), 0.5),
      }),
    },
  );
  return fc.record({
    roots: fc.array(root, { minLength: 1, maxLength: 3 }),
    allowedOnly: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  });
}

// ---- rendering ----------------------------------------------------------------------------------

class Renderer {
  readonly vars: string[] = [];
  readonly values: Record<string, unknown> = {};
  readonly fragments: string[] = [];
  private n = 0;

  constructor(
    readonly ctx: RenderContext,
    readonly allowedOnly: boolean,
  ) {}

  next(prefix: string): string {
    return `${prefix}${this.n++}`;
  }

  variable(prefix: string, type: string, value: unknown): string {
    const name = this.next(prefix);
    this.vars.push(`$${name}: ${type}`);
    this.values[name] = value;
    return `$${name}`;
  }

  /** A variable the request does not send: it takes its default value (a GraphQL literal). */
  defaulted(prefix: string, type: string, literal: string): string {
    const name = this.next(prefix);
    this.vars.push(`$${name}: ${type} = ${literal}`);
    return `$${name}`;
  }

  /** A value as a literal, a sent variable or a defaulted variable. */
  value(via: Via, prefix: string, type: string, value: unknown, literal: string): string {
    if (via === "literal") return literal;
    if (via === "variable") return this.variable(prefix, type, value);
    return this.defaulted(prefix, type.replace(/!$/, ""), literal);
  }

  dir(d: Dir): string {
    if (!d) return "";
    return ` @${d.kind}(if: ${this.value(d.via, "b", "Boolean!", d.value, String(d.value))})`;
  }

  /** A field this caller could never read for the purpose (dropped in allowedOnly mode). */
  neverReadable(typeName: string, fieldName: string): boolean {
    const field = this.ctx.dataMap.fields.get(`${typeName}.${fieldName}`);
    if (!field || this.ctx.purpose === null) return false;
    return ceiling(DEFAULT_POLICY, this.ctx.caller, this.ctx.purpose, field.category).effect === "deny";
  }

  /** Filtering by a personal field needs full access to it. */
  mayFilterByEmail(): boolean {
    const input = this.ctx.dataMap.inputs.get("CustomerFilter.email");
    return (
      input !== undefined &&
      this.ctx.purpose !== null &&
      ceiling(DEFAULT_POLICY, this.ctx.caller, this.ctx.purpose, input.category).effect === "allow"
    );
  }

  selections(type: GraphQLObjectType, sels: readonly Sel[], forced: string[] = []): string {
    const parts: string[] = [...forced];
    for (const sel of sels) {
      if (sel.k === "group") {
        const body = this.selections(type, sel.sub);
        if (body === "") continue;
        if (sel.mode === "named") {
          const name = this.next(`${type.name}Part`);
          this.fragments.push(`fragment ${name} on ${type.name} { ${body} }`);
          parts.push(`...${name}${this.dir(sel.dir)}`);
        } else {
          parts.push(`...${sel.mode === "typed" ? ` on ${type.name}` : ""}${this.dir(sel.dir)} { ${body} }`);
        }
        continue;
      }
      if (this.allowedOnly && this.neverReadable(type.name, sel.name)) continue;
      const field = type.getFields()[sel.name];
      if (!field) continue;
      const named = getNamedType(field.type);
      let sub = "";
      if (isObjectType(named)) {
        const inner = this.selections(named, sel.sub ?? [], named.name === "Customer" ? ["id"] : []);
        sub = ` { ${inner === "" ? "__typename" : inner} }`;
      }
      const render = (aliased: boolean) => {
        let args = "";
        if (field.args.some((a) => a.name === "first")) {
          // An unaliased `visits` always asks for 2, so that merged selections never conflict.
          const first = aliased ? sel.first : 2;
          if (first !== null) args = `(first: ${aliased && sel.firstVar ? this.variable("v", "Int!", first) : first})`;
        }
        return `${aliased ? `${this.next("a")}: ` : ""}${sel.name}${args}${this.dir(sel.dir)}${sub}`;
      };
      parts.push(render(sel.alias));
      if (sel.twice) parts.push(render(!sel.alias));
    }
    return parts.join(" ");
  }
}

/** A subject's id as the caller sends it. */
function pickTarget(ctx: RenderContext, target: number, self: boolean): string {
  if (self && ctx.caller.kind === "customer") return ctx.ids.external(ctx.caller.customerId);
  return ctx.ids.external(ctx.customerIds[target % ctx.customerIds.length] as string);
}

export function renderOperation(spec: OpSpec, ctx: RenderContext): RenderedOperation {
  const r = new Renderer(ctx, spec.allowedOnly);
  const customerType = ctx.schema.getType("Customer") as GraphQLObjectType;
  const coordinates = [...ctx.dataMap.fields.keys(), "Customer.residency", "Account.product", "Visit.id"];
  let emailFilter: string | null = null;
  const roots = spec.roots.map((root, i) => {
    const alias = i === 0 ? "" : `${r.next("r")}: `;
    switch (root.kind) {
      case "customers": {
        const args: string[] = [`first: ${root.firstVar ? r.variable("n", "Int!", root.first) : root.first}`];
        if (root.after !== null) {
          const cursor = ctx.ids.cursor(ctx.customerIds[root.after % ctx.customerIds.length] as string);
          args.push(`after: ${r.variable("c", "String", cursor)}`);
        }
        const f = root.filter;
        if (f?.kind === "residency") args.push(`filter: { residency: "${f.value}" }`);
        if (f?.kind === "status") args.push(`filter: { status: ${f.value} }`);
        // In allowedOnly mode an email filter the caller may not use stays only as a defaulted
        // variable: the adversary's bet that a default value escapes the static check.
        if (f?.kind === "email" && (!spec.allowedOnly || r.mayFilterByEmail() || f.via === "default")) {
          const email = ctx.emailOf(ctx.customerIds[f.subject % ctx.customerIds.length] as string);
          if (email !== null) {
            const value = f.shout ? ` ${email.toUpperCase()} ` : email;
            emailFilter = value;
            args.push(
              f.wholeObject
                ? `filter: ${r.value(f.via, "f", "CustomerFilter", { email: value }, `{ email: ${JSON.stringify(value)} }`)}`
                : `filter: { email: ${r.value(f.via, "e", "String", value, JSON.stringify(value))} }`,
            );
          }
        }
        const node = r.selections(customerType, root.node, ["id"]);
        let nodePart = `node { ${node} }`;
        if (root.nodeInFragment) {
          const name = r.next("EdgePart");
          r.fragments.push(`fragment ${name} on CustomerEdge { node { ${node} } }`);
          nodePart = `...${name}`;
        }
        const parts = [
          root.totalCount ? "totalCount" : "",
          root.pageInfo ? "pageInfo { hasNextPage endCursor }" : "",
          `edges { ${root.cursor ? "cursor " : ""}${nodePart} }`,
        ].filter(Boolean);
        return `${alias}customers(${args.join(", ")}) { ${parts.join(" ")} }`;
      }
      case "customer": {
        const id = pickTarget(ctx, root.target, root.self);
        const arg = root.viaVar ? r.variable("id", "ID!", id) : JSON.stringify(id);
        return `${alias}customer(id: ${arg}) { ${r.selections(customerType, root.node, ["id"])} }`;
      }
      case "me":
        return `${alias}me { ${r.selections(customerType, root.node, ["id"])} }`;
      case "explain": {
        const id = pickTarget(ctx, root.target, root.self);
        const coordinate = coordinates[root.coordinate % coordinates.length] as string;
        // Another purpose only where the caller's ids are the request's (else ID_SCOPE_MISMATCH, by design).
        // Without a declared purpose the gateway takes the caller's only one, if it has just one.
        const own = purposesFor(DEFAULT_POLICY, ctx.caller);
        const current = ctx.purpose ?? (own.length === 1 ? own[0]! : null);
        const explainable = PURPOSE_NAMES.filter(
          (p) => current === null || sameIdentifierScope(DEFAULT_POLICY, ctx.caller, current, p.toLowerCase() as Purpose),
        );
        const purposeArg = root.purpose === null ? "" : `, purpose: ${explainable[root.purpose % explainable.length]}`;
        return `${alias}explainAccess(subjectId: ${JSON.stringify(id)}, coordinate: ${JSON.stringify(coordinate)}${purposeArg}) { coordinate category purpose effect mask reasonCode reason }`;
      }
      default:
        throw new Error("unknown root");
    }
  });
  const purposeName = ctx.purpose === null ? null : ctx.purpose.toUpperCase();
  const directive =
    purposeName !== null && (ctx.declare === "directive" || ctx.declare === "both") ? ` @purpose(name: ${purposeName})` : "";
  const headers: Record<string, string> = {};
  if (ctx.purpose !== null && (ctx.declare === "header" || ctx.declare === "both")) headers["x-purpose"] = ctx.purpose;
  const vars = r.vars.length > 0 ? `(${r.vars.join(", ")})` : "";
  const query = [`query Hunt${vars}${directive} { ${roots.join(" ")} }`, ...r.fragments].join("\n");
  return { query, variables: r.values, headers, emailFilter };
}

const PURPOSE_NAMES = [
  "ACCOUNT_MANAGEMENT",
  "SERVICE_DELIVERY",
  "CUSTOMER_SUPPORT",
  "PAYMENTS",
  "CLAIMS",
  "MARKETING",
  "ADVERTISING",
  "PERSONALIZATION",
  "ANALYTICS",
  "RESEARCH",
  "FRAUD_PREVENTION",
  "LEGAL_COMPLIANCE",
  "SUBJECT_REQUEST",
];
