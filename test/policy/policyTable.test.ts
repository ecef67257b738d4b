import { describe, expect, it } from "vitest";
import {
  CATEGORIES,
  categoryLineage,
  DEFAULT_POLICY,
  formatMatrixTable,
  formatPolicyTable,
  formatRolesTable,
  PURPOSE_ABBREVIATIONS,
  PURPOSES,
  ROLES,
} from "../../src/policy/index.js";
import { fixtureLetter, loadFixtureMatrix, loadFixtureRoles, parseTable } from "./fixtureTables.js";

const fixture = loadFixtureMatrix();

describe("policy table", () => {
  it("abbreviates each purpose once, as DESIGN's matrix columns do", () => {
    expect(Object.keys(PURPOSE_ABBREVIATIONS)).toEqual([...PURPOSES]);
    expect(PURPOSES.map((p) => PURPOSE_ABBREVIATIONS[p])).toEqual(fixture.abbreviations);
    expect(new Set(Object.values(PURPOSE_ABBREVIATIONS)).size).toBe(PURPOSES.length);
  });

  it("prints the effective matrix, which parses back to the fixture for every category", () => {
    const [header, ...rows] = parseTable(formatMatrixTable(DEFAULT_POLICY));
    const abbr = header!.slice(1);
    expect(abbr).toEqual(fixture.abbreviations);
    expect(rows.map((r) => r[0]!.split(" ")[0]!.replace(/`/g, ""))).toEqual([...CATEGORIES]);
    for (const row of rows) {
      const category = row[0]!.split(" ")[0]!.replace(/`/g, "");
      fixture.purposes.forEach((p, i) =>
        expect(`${category} ${p} ${row[i + 1]}`).toBe(`${category} ${p} ${fixtureLetter(fixture, p, category)}`),
      );
    }
  });

  it("marks each inherited row with the row it comes from, and a category with none as denied", () => {
    const labels = formatMatrixTable(DEFAULT_POLICY)
      .split("\n")
      .slice(2)
      .map((line) => line.slice("| ".length, line.indexOf(" | ")));
    expect(labels).toEqual(
      CATEGORIES.map((category) => {
        const from = categoryLineage(category).find((key) => DEFAULT_POLICY.matrix.has(key));
        const note = from === category ? "" : from === undefined ? " (no row: denied)" : ` (from \`${from}\`)`;
        return `\`${category}\`${note}`;
      }),
    );
    expect(labels).toContain("`user.contact.address.delivery` (from `user.contact.address`)");
  });

  it("prints the roles table as DESIGN has it", () => {
    const [, ...rows] = parseTable(formatRolesTable(DEFAULT_POLICY));
    const design = loadFixtureRoles();
    expect(rows.map((r) => r[0])).toEqual([...ROLES]);
    for (const [role, purposes] of rows) expect(purposes!.split(", ")).toEqual(design.get(role!));
  });

  it("formatPolicyTable carries the version and both tables", () => {
    const text = formatPolicyTable(DEFAULT_POLICY);
    expect(text).toContain("2026-11-01");
    expect(text).toContain(formatMatrixTable(DEFAULT_POLICY));
    expect(text).toContain(formatRolesTable(DEFAULT_POLICY));
  });
});
