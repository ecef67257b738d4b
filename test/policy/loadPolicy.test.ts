// The policy file's loader: the shipped file loads; a broken one is refused with every error's
// line and column, whether the YAML, the schema's shape or the names across sections are wrong.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, DEFAULT_POLICY_PATH, loadPolicy, PURPOSES, ROLES, type PolicyError } from "../../src/policy/index.js";

const TEXT = readFileSync(DEFAULT_POLICY_PATH, "utf8");
const LINES = TEXT.split("\n");

/** The 1-based line of the first line matching `pattern`. */
function lineOf(pattern: RegExp, from = 0): number {
  const i = LINES.findIndex((l, n) => n >= from && pattern.test(l));
  if (i < 0) throw new Error(`no line matches ${pattern}`);
  return i + 1;
}

/** The file with line `line` (1-based) replaced. */
function withLine(line: number, text: string): string {
  return LINES.map((l, i) => (i === line - 1 ? text : l)).join("\n");
}

function errorsOf(text: string, schemaCategories?: readonly string[]): readonly PolicyError[] {
  const loaded = loadPolicy(text, { schemaCategories });
  if (loaded.ok) throw new Error("the file loaded");
  return loaded.errors;
}

describe("loadPolicy", () => {
  it("loads the shipped file: every purpose and role, its version and content hash", () => {
    const loaded = loadPolicy(TEXT);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(Object.keys(loaded.policy.purposes)).toEqual([...PURPOSES]);
    expect(Object.keys(loaded.policy.roles)).toEqual([...ROLES]);
    expect(loaded.policy.fileVersion).toBe("2026-11-01");
    expect(loaded.policy.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.policy.version).toBe(`2026-11-01+${loaded.policy.hash.slice(0, 12)}`);
    expect(DEFAULT_POLICY.version).toBe(loaded.policy.version);
    // One byte more is another policy.
    const other = loadPolicy(`${TEXT}\n`);
    expect(other.ok && other.policy.hash).not.toBe(loaded.policy.hash);
  });

  it("a YAML syntax error: its line and column", () => {
    const line = lineOf(/^ {2}billing:/);
    const [error] = errorsOf(withLine(line, "  billing: [payments"));
    expect(error).toMatchObject({ path: "(syntax)" });
    expect(error!.line).toBeGreaterThanOrEqual(line);
  });

  it("a duplicate key is refused, not silently the last one", () => {
    const line = lineOf(/^ {2}legal: \[legal_compliance\]/);
    const errors = errorsOf(withLine(line, "  legal: [legal_compliance]\n  legal: [fraud_prevention]"));
    expect(errors[0]).toMatchObject({ path: "(syntax)", line: line + 1 });
  });

  it("a value the schema does not admit: the line and column of the value, the allowed ones", () => {
    const line = lineOf(/consent_basis: opt_out/);
    const errors = errorsOf(withLine(line, "    consent_basis: opt_in"));
    expect(errors).toEqual([
      {
        line,
        column: 20,
        path: "purposes.marketing.consent_basis",
        message: "must be one of: contract, opt_out, legitimate_interest, legal_obligation, verified_request",
      },
    ]);
  });

  it("an unknown key: at the key; a missing one: at the map that lacks it", () => {
    const line = lineOf(/survives_restriction: false/);
    const unknown = errorsOf(withLine(line, "    survives_restrictions: false"));
    expect(unknown).toContainEqual(expect.objectContaining({ line, column: 5, path: "purposes.account_management.survives_restrictions" }));
    expect(unknown).toContainEqual(
      expect.objectContaining({ line: line - 4, path: "purposes.account_management", message: "missing `survives_restriction`" }),
    );
  });

  it("a retention rule whose period does not fit its clock", () => {
    const line = lineOf(/^ {2}user\.name: \{ clock: account_life/);
    const errors = errorsOf(withLine(line, '  user.name: { period: { years: 1 }, clock: account_life, action: keep, rationale: "x" }'));
    expect(errors.every((e) => e.line === line)).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
  });

  it("a role declaring an undefined purpose: at the item", () => {
    const line = lineOf(/^ {2}billing: \[payments\]/);
    expect(errorsOf(withLine(line, "  billing: [payments, refunds]"))).toEqual([
      { line, column: 23, path: "roles.billing.1", message: "role `billing` declares undefined purpose `refunds`" },
    ]);
  });

  it("an unknown role, partner kind or purpose, and a missing one", () => {
    const line = lineOf(/^ {2}legal: \[legal_compliance\]/);
    const errors = errorsOf(withLine(line, "  lawyer: [legal_compliance]"));
    expect(errors).toContainEqual(expect.objectContaining({ line, column: 3, path: "roles.lawyer" }));
    expect(errors).toContainEqual(
      expect.objectContaining({ path: "roles", message: expect.stringContaining("role `legal` is not defined") }),
    );
  });

  it("a matrix row on a category not in use", () => {
    const line = lineOf(/^ {4}user\.social: +"/);
    const errors = errorsOf(withLine(line, '    user.socials:                    "A - - - - - - A P - A A A"'));
    expect(errors).toEqual([expect.objectContaining({ line, column: 5, path: "matrix.rows.user.socials" })]);
  });

  it("every incomplete matrix row is refused at its line (generated: any row, any number of letters short)", () => {
    const rows = LINES.map((l, i) => ({ l, line: i + 1 })).filter(({ l }) => /^ {4}user\.[a-z_.]+: +"[AMP\- ]+"$/.test(l));
    expect(rows.length).toBe(DEFAULT_POLICY.matrix.size);
    fc.assert(
      fc.property(fc.constantFrom(...rows), fc.integer({ min: 1, max: PURPOSES.length - 1 }), ({ l, line }, drop) => {
        const [key, row] = l.split(/: +/) as [string, string];
        const letters = row.replace(/"/g, "").split(" ");
        const short = `${key}: "${letters.slice(drop).join(" ")}"`;
        const errors = errorsOf(withLine(line, short));
        expect(errors).toEqual([
          expect.objectContaining({
            line,
            path: `matrix.rows.${key.trim()}`,
            message: `row has ${PURPOSES.length - drop} letters for ${PURPOSES.length} columns: every row must be complete`,
          }),
        ]);
      }),
      { numRuns: 60 },
    );
  });

  it("a matrix column that is no purpose, and a purpose without a column", () => {
    const line = lineOf(/^ {2}columns: \[/);
    const errors = errorsOf(withLine(line, LINES[line - 1]!.replace("subject_request]", "subject_requests]")));
    expect(errors).toContainEqual(
      expect.objectContaining({ line, path: "matrix.columns.12", message: "column `subject_requests` is not a defined purpose" }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ line, path: "matrix.columns", message: "purpose `subject_request` has no column" }),
    );
  });

  it("a category the schema marks (@personal) but the file lacks", () => {
    expect(loadPolicy(TEXT, { schemaCategories: ["user.name", "user.device"] }).ok).toBe(true);
    const errors = errorsOf(TEXT, ["user.name", "user.biometric"]);
    expect(errors).toEqual([
      expect.objectContaining({
        line: lineOf(/^ {2}user\.name: Full name/),
        path: "categories",
        message: expect.stringContaining("`user.biometric`"),
      }),
    ]);
  });

  it("a category without retention, and retention on a key that governs nothing", () => {
    const line = lineOf(/^ {2}user\.social: \{ clock: account_life/);
    const errors = errorsOf(withLine(line, '  user.socia: { clock: account_life, action: keep, rationale: "Linked." }'));
    expect(errors).toContainEqual(expect.objectContaining({ line, path: "retention.user.socia" }));
    expect(errors).toContainEqual(
      expect.objectContaining({
        line: lineOf(/^ {2}user\.social: Social/),
        path: "categories.user.social",
        message: "category `user.social` has no retention (own or a parent's)",
      }),
    );
  });

  it("a category key fideslang does not know, unless it names its parent; a data use fideslang does not know", () => {
    const line = lineOf(/^ {2}user\.social: Social/);
    expect(errorsOf(withLine(line, "  user.socials: Social network handle."))).toContainEqual(
      expect.objectContaining({
        line,
        column: 3,
        path: "categories.user.socials",
        message: "`user.socials` is not a fideslang data category: a custom category names its `parent`",
      }),
    );
    expect(loadPolicy(withLine(line, "  user.social: { description: Social network handle., parent: user }")).ok).toBe(true);
    expect(errorsOf(withLine(line, "  user.social: { description: Social network handle., parent: user.contact }"))).toEqual([
      expect.objectContaining({ line, path: "categories.user.social.parent", message: "`user.contact` is not a parent of `user.social`" }),
    ]);
    const use = lineOf(/fides_data_use: analytics\.reporting$/);
    expect(errorsOf(withLine(use, "    fides_data_use: analytics.reportage"))).toEqual([
      { line: use, column: 21, path: "purposes.analytics.fides_data_use", message: "`analytics.reportage` is not a fideslang data use" },
    ]);
  });
});
