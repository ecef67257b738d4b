import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { PARTNER_KINDS, type PartnerKind } from "./caller.js";
import { categoryLineage, matchesPrefix } from "./categories.js";
import { isMaskKind, type MaskKind } from "./masks.js";
import { type Effect, effectOfLetter, type MatrixLetter } from "./matrix.js";
import type { MatrixRow, PartnerKindRule, Policy } from "./policy.js";
import { PURPOSES, type ConsentBasis, type Purpose, type PurposeDefinition } from "./purposes.js";
import type { RetentionAction, RetentionClock, RetentionPeriod, RetentionRule } from "./retention.js";
import { ROLES, type Role } from "./roles.js";

/** One thing wrong with a policy file: where (1-based line and column, and the path of keys) and what. */
export type PolicyError = { readonly line: number; readonly column: number; readonly path: string; readonly message: string };

export type PolicyLoad = { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly errors: readonly PolicyError[] };

export type LoadPolicyOptions = {
  /** Categories the gateway holds (its `@personal` marks and personal columns): each must be in the file. Omitted: not checked. */
  readonly schemaCategories?: readonly string[];
};

/** The published JSON Schema of the policy file (editors validate against it too). */
export const POLICY_SCHEMA: object = JSON.parse(readFileSync(new URL("../../policy/policy.schema.json", import.meta.url), "utf8"));

/** fideslang's data category and data use keys (policy/fideslang.taxonomy.json): shipped as data, never fetched. */
const FIDESLANG: { readonly data_categories: readonly string[]; readonly data_uses: readonly string[] } = JSON.parse(
  readFileSync(new URL("../../policy/fideslang.taxonomy.json", import.meta.url), "utf8"),
);
const FIDES_CATEGORIES: ReadonlySet<string> = new Set(FIDESLANG.data_categories);
const FIDES_DATA_USES: ReadonlySet<string> = new Set(FIDESLANG.data_uses);

const validateShape = new Ajv({ allErrors: true, verbose: true }).compile(POLICY_SCHEMA);

type Path = readonly (string | number)[];

/** The file as written, once it has the schema's shape. */
type PolicyFile = {
  version: string;
  categories: Record<string, string | { description: string; parent: string }>;
  purposes: Record<
    string,
    { description: string; fides_data_use: string; consent_basis: ConsentBasis; survives_restriction: boolean; honours_objection: boolean }
  >;
  roles: Record<string, string[]>;
  partner_kinds: Record<string, { requires_opt_in: boolean }>;
  matrix: { columns: string[]; rows: Record<string, string> };
  retention: Record<
    string,
    {
      period?: RetentionPeriod;
      clock: RetentionClock;
      action: "delete" | "nullify" | "keep" | "anonymize";
      mask?: string;
      legal_hold?: boolean;
      rationale: string;
    }
  >;
  disclosure_log_retention: { period: RetentionPeriod; rationale: string };
};

/** Positions of the nodes of one parsed file. */
class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The error at `path`: at the node's key when `atKey` (a name that is wrong), else at its value. */
  error(path: Path, message: string, atKey = false): PolicyError {
    const offset = this.offset(path, atKey);
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col, path: path.length === 0 ? "(top)" : path.join("."), message };
  }

  private offset(path: Path, atKey: boolean): number {
    // The deepest node that exists: a missing key is reported at the map that lacks it.
    for (let n = path.length; n > 0; n--) {
      const parent = n === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, n - 1), true);
      const last = path[n - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === last);
        const node = pair && (atKey || n < path.length ? pair.key : (pair.value ?? pair.key));
        const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
        if (range) return range[0];
      } else {
        const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return node.range[0];
      }
    }
    return (this.doc.contents as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
  }
}

function pathOf(instancePath: string): string[] {
  return instancePath === ""
    ? []
    : instancePath
        .slice(1)
        .split("/")
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** A schema error as a sentence: the names it quotes come from the schema, never from the file's values. */
function shapeError(at: Locator, e: ErrorObject): PolicyError {
  const path = pathOf(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties":
      return at.error(
        [...path, String(p.additionalProperty)],
        `unknown key (allowed here: ${Object.keys((e.parentSchema as { properties?: object })?.properties ?? {}).join(", ")})`,
        true,
      );
    case "propertyNames":
      return at.error(
        [...path, String(p.propertyName)],
        "badly formed name: lower-case words joined by `_`, dotted for a category key",
        true,
      );
    case "required":
      return at.error(path, `missing \`${String(p.missingProperty)}\``, true);
    case "enum":
      return at.error(path, `must be one of: ${(p.allowedValues as unknown[]).join(", ")}`);
    case "const":
      return at.error(path, `must be \`${String(p.allowedValue)}\` here`);
    case "not":
      return at.error(path, "not allowed with this clock or action (see the schema's rules for retention)");
    case "if":
      return at.error(path, "does not fit its clock or action (see below)");
    default:
      return at.error(path, e.message ?? "invalid");
  }
}

function policyHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Parses and checks a policy file: YAML syntax, the JSON Schema, then the names across sections
 * (every purpose and role of the gateway defined and no other, roles declaring defined purposes,
 * matrix columns the purposes and rows complete, rows and retention on categories in use, every
 * category the gateway holds covered, category and data use keys in fideslang's taxonomy). Pure: the text in, a Policy or every error with its line.
 */
export function loadPolicy(text: string, options: LoadPolicyOptions = {}): PolicyLoad {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { line, column: col, path: "(syntax)", message: e.message.split("\n")[0] ?? "YAML syntax error" };
      }),
    };
  }
  const at = new Locator(doc, lines);
  const data: unknown = doc.toJS();
  if (!validateShape(data)) {
    // `if` only says that a `then`/`else` failed, which has its own error.
    const errors = (validateShape.errors ?? []).filter((e) => e.keyword !== "if").map((e) => shapeError(at, e));
    return { ok: false, errors: dedupe(errors) };
  }
  const file = data as PolicyFile;
  const errors = checkNames(file, at, options);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, policy: toPolicy(file, policyHash(text)) };
}

function dedupe(errors: PolicyError[]): PolicyError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.line}:${e.column}:${e.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

const KNOWN_PURPOSES: ReadonlySet<string> = new Set(PURPOSES);
const KNOWN_ROLES: ReadonlySet<string> = new Set(ROLES);
const KNOWN_PARTNER_KINDS: ReadonlySet<string> = new Set(PARTNER_KINDS);

/** The checks a JSON Schema cannot state: names that must agree across sections and with the gateway. */
function checkNames(file: PolicyFile, at: Locator, options: LoadPolicyOptions): PolicyError[] {
  const errors: PolicyError[] = [];
  const categories = Object.keys(file.categories);
  /** A key that names a category in use or a parent of one (a rule on it governs something). */
  const covers = (key: string) => categories.some((c) => matchesPrefix(c, key));
  const purposes = new Set(Object.keys(file.purposes));

  const closedSet = (section: string, written: readonly string[], known: ReadonlySet<string>, what: string) => {
    for (const name of written) {
      if (!known.has(name)) errors.push(at.error([section, name], `unknown ${what}: the gateway's are ${[...known].join(", ")}`, true));
    }
    for (const name of known) {
      if (!written.includes(name))
        errors.push(
          at.error(
            [section],
            `${what} \`${name}\` is not defined (the gateway offers it: define it, with no purposes or rights if it must get nothing)`,
          ),
        );
    }
  };
  closedSet("purposes", [...purposes], KNOWN_PURPOSES, "purpose");
  closedSet("roles", Object.keys(file.roles), KNOWN_ROLES, "role");
  closedSet("partner_kinds", Object.keys(file.partner_kinds), KNOWN_PARTNER_KINDS, "partner kind");

  for (const [role, declared] of Object.entries(file.roles)) {
    declared.forEach((p, i) => {
      if (!purposes.has(p)) errors.push(at.error(["roles", role, i], `role \`${role}\` declares undefined purpose \`${p}\``));
    });
  }

  const { columns, rows } = file.matrix;
  columns.forEach((p, i) => {
    if (!purposes.has(p)) errors.push(at.error(["matrix", "columns", i], `column \`${p}\` is not a defined purpose`));
  });
  for (const p of purposes) {
    if (!columns.includes(p)) errors.push(at.error(["matrix", "columns"], `purpose \`${p}\` has no column`));
  }
  for (const [key, row] of Object.entries(rows)) {
    if (!covers(key)) errors.push(at.error(["matrix", "rows", key], `\`${key}\` is not a category in use nor a parent of one`, true));
    const letters = row.trim().split(/\s+/);
    if (letters.length !== columns.length) {
      errors.push(
        at.error(["matrix", "rows", key], `row has ${letters.length} letters for ${columns.length} columns: every row must be complete`),
      );
    }
  }

  for (const [key, rule] of Object.entries(file.retention)) {
    if (!covers(key)) errors.push(at.error(["retention", key], `\`${key}\` is not a category in use nor a parent of one`, true));
    if (rule.mask !== undefined && !isMaskKind(rule.mask)) errors.push(at.error(["retention", key, "mask"], "unknown mask"));
  }
  for (const c of categories) {
    if (!categoryLineage(c).some((k) => k in file.retention))
      errors.push(at.error(["categories", c], `category \`${c}\` has no retention (own or a parent's)`, true));
  }

  for (const [key, value] of Object.entries(file.categories)) {
    const parent = typeof value === "string" ? null : value.parent;
    if (parent === null) {
      if (!FIDES_CATEGORIES.has(key))
        errors.push(
          at.error(["categories", key], `\`${key}\` is not a fideslang data category: a custom category names its \`parent\``, true),
        );
    } else if (!key.startsWith(`${parent}.`)) {
      errors.push(at.error(["categories", key, "parent"], `\`${parent}\` is not a parent of \`${key}\``));
    } else if (!FIDES_CATEGORIES.has(parent) && !(parent in file.categories)) {
      errors.push(
        at.error(["categories", key, "parent"], `\`${parent}\` is neither a fideslang data category nor a category of this file`),
      );
    }
  }
  for (const [purpose, definition] of Object.entries(file.purposes)) {
    if (!FIDES_DATA_USES.has(definition.fides_data_use)) {
      errors.push(at.error(["purposes", purpose, "fides_data_use"], `\`${definition.fides_data_use}\` is not a fideslang data use`));
    }
  }

  for (const c of new Set(options.schemaCategories ?? [])) {
    if (!(c in file.categories))
      errors.push(
        at.error(
          ["categories"],
          `category \`${c}\` holds personal data in the gateway (a @personal field or a personal column) but is not in the policy`,
        ),
      );
  }
  return errors;
}

function toAction(rule: PolicyFile["retention"][string]): RetentionAction {
  // The mask was checked (checkNames) before this runs.
  if (rule.action === "anonymize") return { kind: "anonymize", mask: rule.mask as MaskKind };
  return { kind: rule.action };
}

function toPolicy(file: PolicyFile, hash: string): Policy {
  const byPurpose = <T>(f: (p: Purpose) => T) =>
    Object.freeze(Object.fromEntries(PURPOSES.map((p) => [p, f(p)]))) as Readonly<Record<Purpose, T>>;
  const purposes = byPurpose<PurposeDefinition>((p) => {
    const d = file.purposes[p]!;
    return Object.freeze({
      fidesDataUse: d.fides_data_use,
      consentBasis: d.consent_basis,
      survivesRestriction: d.survives_restriction,
      honoursObjection: d.honours_objection,
      description: d.description,
    });
  });
  const roles = Object.freeze(Object.fromEntries(ROLES.map((r) => [r, Object.freeze([...file.roles[r]!] as Purpose[])]))) as Readonly<
    Record<Role, readonly Purpose[]>
  >;
  const partnerKinds = Object.freeze(
    Object.fromEntries(PARTNER_KINDS.map((k) => [k, Object.freeze({ requiresOptIn: file.partner_kinds[k]!.requires_opt_in })])),
  ) as Readonly<Record<PartnerKind, PartnerKindRule>>;
  const { columns } = file.matrix;
  const matrix = new Map<string, MatrixRow>(
    Object.entries(file.matrix.rows).map(([key, row]) => {
      const letters = row.trim().split(/\s+/) as MatrixLetter[];
      const effects = new Map<string, Effect>(columns.map((p, i) => [p, effectOfLetter(letters[i]!)]));
      return [key, byPurpose((p) => effects.get(p)!)];
    }),
  );
  const retention = new Map<string, RetentionRule>(
    Object.entries(file.retention).map(([key, r]) => [
      key,
      Object.freeze({
        period: r.period === undefined ? null : Object.freeze({ ...r.period }),
        clock: r.clock,
        action: Object.freeze(toAction(r)),
        legalHold: r.legal_hold === true,
        rationale: r.rationale,
      }),
    ]),
  );
  return Object.freeze({
    version: `${file.version}+${hash.slice(0, 12)}`,
    fileVersion: file.version,
    hash,
    categories: new Map(
      Object.entries(file.categories).map(([key, value]) => [
        key,
        Object.freeze(
          typeof value === "string" ? { description: value, parent: null } : { description: value.description, parent: value.parent },
        ),
      ]),
    ),
    purposes,
    roles,
    partnerKinds,
    matrix,
    retention,
    disclosureLogRetention: Object.freeze({
      period: Object.freeze({ ...file.disclosure_log_retention.period }),
      rationale: file.disclosure_log_retention.rationale,
    }),
  });
}
