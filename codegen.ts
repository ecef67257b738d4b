import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed documents for the operations under test/operations/, generated from the committed SDL.
 * `npm run codegen` rewrites test/generated/; test/schema/generatedCurrent.test.ts fails when it
 * is stale.
 */
const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["test/operations/**/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "test/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        importExtension: ".js",
        scalars: { DateTimeISO: "string" },
        useTypeImports: true,
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
