import { createRequire } from "node:module";
import * as graphqlModule from "graphql";
import { describe, expect, it } from "vitest";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";

const require = createRequire(import.meta.url);

/**
 * graphql-middleware applies rules only to types that are `instanceof` its own graphql's classes.
 * Under Vite a second copy of graphql (ESM beside CJS) makes every shield rule vanish silently.
 * These tests fail if the test runner's module graph differs from the one Node loads.
 */
describe("one graphql realm", () => {
  it("the graphql the tests import is the CommonJS build that type-graphql and graphql-middleware require", async () => {
    const cjs = require("graphql") as typeof graphqlModule;
    expect(graphqlModule.GraphQLObjectType).toBe(cjs.GraphQLObjectType);
    const schema = await buildGatewaySchema();
    expect(schema.getType("Profile")).toBeInstanceOf(cjs.GraphQLObjectType);
    expect(schema.getType("Profile")).toBeInstanceOf(graphqlModule.GraphQLObjectType);
  });
});
