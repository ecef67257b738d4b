// Parsers for the Markdown tables copied verbatim from DESIGN.md into ./fixtures. The tests
// compare the code against these, never against values copied from the code.
import { readFileSync } from "node:fs";

const here = new URL("./fixtures/", import.meta.url);

export function readFixture(name: string): string {
  return readFileSync(new URL(name, here), "utf8");
}

/** Rows of the first Markdown table in `text`, cells trimmed and unquoted, separator dropped. */
export function parseTable(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line.trim().startsWith("|"))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, "")
        .split("|")
        .map((cell) => cell.trim().replace(/^`|`$/g, "")),
    )
    .filter((cells) => !cells.every((c) => /^-+$/.test(c)));
}

export type Letter = "A" | "M" | "P" | "-";

export type FixtureMatrix = {
  /** purpose names, in the fixture's column order */
  purposes: string[];
  /** the column headers (`acct`, `svc`, ...), same order */
  abbreviations: string[];
  /** category key (own rows only) -> purpose -> letter */
  rows: Map<string, Map<string, Letter>>;
};

/** The default matrix from DESIGN.md, columns resolved through its "Columns:" legend. */
export function loadFixtureMatrix(): FixtureMatrix {
  const text = readFixture("default-matrix.md");
  const legend = new Map<string, string>();
  const prose = text.slice(0, text.indexOf("|")).replace(/\s+/g, " ");
  for (const m of prose.matchAll(/`([a-z]+)` ([a-z_]+)/g)) legend.set(m[1]!, m[2]!);
  const [header, ...body] = parseTable(text);
  if (header?.[0] !== "category") throw new Error("fixture: no matrix header");
  const purposes = header.slice(1).map((abbr) => {
    const p = legend.get(abbr);
    if (!p) throw new Error(`fixture: no legend for column ${abbr}`);
    return p;
  });
  const rows = new Map<string, Map<string, Letter>>();
  for (const cells of body) {
    const [category, ...letters] = cells;
    if (!category || letters.length !== purposes.length) throw new Error(`fixture: bad row ${cells.join("|")}`);
    const row = new Map<string, Letter>();
    letters.forEach((l, i) => {
      if (l !== "A" && l !== "M" && l !== "P" && l !== "-") throw new Error(`fixture: bad cell ${l}`);
      row.set(purposes[i]!, l);
    });
    rows.set(category, row);
  }
  return { purposes, abbreviations: header.slice(1), rows };
}

/** Nearest own-or-ancestor row's letter; `-` when there is none (DESIGN: anything not listed is deny). */
export function fixtureLetter(matrix: FixtureMatrix, purpose: string, category: string): Letter {
  const segments = category.split(".");
  for (let n = segments.length; n > 0; n--) {
    const row = matrix.rows.get(segments.slice(0, n).join("."));
    if (row) return row.get(purpose) ?? "-";
  }
  return "-";
}

export const LETTER_EFFECT = { A: "allow", M: "mask", P: "pseudonymize", "-": "deny" } as const;

/** role -> purposes, from the roles table. */
export function loadFixtureRoles(): Map<string, string[]> {
  const [, ...body] = parseTable(readFixture("roles.md"));
  return new Map(body.map(([role, purposes]) => [role!, purposes!.split(",").map((p) => p.trim())]));
}

/** Category keys named in DESIGN.md's category table (a cell may list several). */
export function loadFixtureCategories(): string[] {
  const [, ...body] = parseTable(readFixture("categories.md"));
  return body.flatMap(([keys]) => [...keys!.matchAll(/user(\.[a-z_]+)*/g)].map((m) => m[0]));
}

/** purpose -> consent basis text, from the purposes table. */
export function loadFixturePurposes(): Map<string, string> {
  const [, ...body] = parseTable(readFixture("purposes.md"));
  return new Map(body.map(([purpose, , basis]) => [purpose!, basis!]));
}
