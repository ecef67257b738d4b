// `npm run lint:layers`: the import direction between the folders of src/ (.dependency-cruiser.cjs),
// checked on the tree as it is and, exhaustively, on a tree with one import of every folder from every other.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const BIN = join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

// The layers, stated here apart from the config (docs/development.md): what each folder may import.
const BESIDE_GRAPHQL = ["dsr", "retention", "datamap"];
const BELOW_GRAPHQL = ["policy", "errors", "db", "enforcement", ...BESIDE_GRAPHQL];
const MAY_IMPORT: Record<string, readonly string[]> = {
  policy: ["policy"],
  errors: ["errors"],
  db: ["db", "policy", "errors"],
  enforcement: ["enforcement", "db", "policy", "errors"],
  ...Object.fromEntries(BESIDE_GRAPHQL.map((f) => [f, BELOW_GRAPHQL])),
  graphql: [...BELOW_GRAPHQL, "graphql"],
  server: [...BELOW_GRAPHQL, "graphql", "server"],
  cli: [...BELOW_GRAPHQL, "graphql", "server", "cli"],
};
const FOLDERS = Object.keys(MAY_IMPORT);

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

// The command of `npm run lint:layers`, its config named by absolute path so that it runs in any tree.
const [command, ...args] = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts[
  "lint:layers"
]!.split(" ").map((a) => (a === ".dependency-cruiser.cjs" ? CONFIG : a));

/**
 * Runs the layer check in `cwd` (a tree with src/ and a tsconfig.json): the exit status of the
 * npm script's command, and the violations it finds (the same check, as JSON).
 */
function depcruise(cwd: string) {
  expect(command).toBe("depcruise");
  const run = (more: string[]) => spawnSync(process.execPath, [BIN, ...args, ...more], { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  const output = JSON.parse(run(["--output-type", "json"]).stdout) as { summary: { violations: Violation[] } };
  return { status: run([]).status, violations: output.summary.violations };
}

const dir = mkdtempSync(join(tmpdir(), "layers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), text);
}

describe("npm run lint:layers", () => {
  it("finds no import against the layers in src/", () => {
    const { status, violations } = depcruise(ROOT);
    expect(violations).toEqual([]);
    expect(status).toBe(0);
  });

  it("refuses exactly the imports the layers forbid, from every folder to every other, and a cycle between folders", () => {
    write("tsconfig.json", JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } }));
    for (const to of FOLDERS) write(`src/${to}/leaf.ts`, "export const leaf = 1;\n");
    for (const from of FOLDERS) {
      for (const to of FOLDERS) write(`src/${from}/to_${to}.ts`, `import { leaf } from "../${to}/leaf.js";\nexport const x = leaf;\n`);
    }
    // dsr and datamap may import each other, but not in a circle.
    write("src/dsr/cycle.ts", `import { b } from "../datamap/cycle.js";\nexport const a = () => b;\n`);
    write("src/datamap/cycle.ts", `import { a } from "../dsr/cycle.js";\nexport const b = () => a;\n`);

    const { status, violations } = depcruise(dir);
    const forbidden = FOLDERS.flatMap((from) =>
      FOLDERS.filter((to) => !MAY_IMPORT[from]!.includes(to)).map((to) => `src/${from}/to_${to}.ts -> src/${to}/leaf.ts`),
    );
    expect(forbidden.length).toBeGreaterThan(40);
    expect(
      violations
        .filter((v) => v.rule.name !== "no-folder-cycles")
        .map((v) => `${v.from} -> ${v.to}`)
        .sort(),
    ).toEqual(forbidden.sort());
    // dependency-cruiser reports a cycle once, from one of its modules.
    expect(violations.filter((v) => v.rule.name === "no-folder-cycles").map((v) => v.from)).toEqual([
      expect.stringMatching(/^src\/(dsr|datamap)\/cycle\.ts$/),
    ]);
    expect(status).not.toBe(0);
  });
});
