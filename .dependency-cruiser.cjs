// The layers of src/ and the one direction imports run (npm run lint:layers; docs/development.md).
// policy <- enforcement <- graphql <- server, with db below all but policy; dsr, retention and
// datamap beside graphql (they may use each other, never graphql or server); errors is a leaf
// every layer but policy may use; cli (tools) may import anything. Each rule lists what a layer
// may import from src/: anything else in src/ is a violation.
const layer = (name, mayImport) => ({
  name: `${name}-imports-only-below`,
  comment: `src/${name}/ may import from src/ only: ${[name, ...mayImport].join(", ")}`,
  severity: "error",
  from: { path: `^src/${name}/` },
  to: { path: "^src/", pathNot: `^src/(${[name, ...mayImport].join("|")})/` },
});

const beside = ["dsr", "retention", "datamap"];

module.exports = {
  forbidden: [
    layer("policy", []),
    layer("errors", []),
    layer("db", ["policy", "errors"]),
    layer("enforcement", ["policy", "db", "errors"]),
    ...beside.map((name) => layer(name, ["policy", "db", "errors", "enforcement", ...beside])),
    layer("graphql", ["policy", "db", "errors", "enforcement", ...beside]),
    layer("server", ["policy", "db", "errors", "enforcement", "graphql", ...beside]),
    {
      name: "no-folder-cycles",
      comment: "no import cycle between folders of src/",
      severity: "error",
      from: { path: "^src/([^/]+)/" },
      to: { circular: true, path: "^src/([^/]+)/", pathNot: "^src/$1/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
