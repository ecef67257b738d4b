import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

// graphql-middleware checks schema types with `instanceof`: if Vite resolved `graphql` to its ESM
// build while type-graphql `require`s the CommonJS one, every shield rule would silently vanish.
// Point Vite at the one build Node itself loads (see test/enforcement/shieldRealm.test.ts).
export default defineConfig({
  resolve: { alias: { graphql: require.resolve("graphql") } },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["reflect-metadata"],
    // One migrated PGlite per run, copied by each test file (test/helpers/provideMigratedTemplate.ts).
    globalSetup: ["test/helpers/provideMigratedTemplate.ts"],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: "forks",
  },
});
