import { defineConfig } from "drizzle-kit";

// Migrations are generated from the Drizzle tables and committed under drizzle/; both drivers
// (PGlite and postgres.js) apply the same folder at start-up.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./drizzle",
});
