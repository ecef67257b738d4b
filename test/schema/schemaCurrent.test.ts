import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { printGatewaySchema } from "../../src/graphql/printGatewaySchema.js";

describe("schema/schema.graphql", () => {
  it("is current with the type-graphql classes (run `npm run schema` when this fails)", async () => {
    const committed = readFileSync(new URL("../../schema/schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(printGatewaySchema(await buildGatewaySchema()));
  });

  it("shows @personal on the fields it marks", () => {
    const sdl = readFileSync(new URL("../../schema/schema.graphql", import.meta.url), "utf8");
    expect(sdl).toMatch(/email: String @personal\(category: "user\.contact\.email"\)/);
    expect(sdl).toMatch(/city: String @personal\(category: "user\.contact\.address\.billing", mask: KEEP\)/);
    expect(sdl).not.toMatch(/^\s+\w*(password|credential)\w*\s*[:(]/im); // no field for the password hash
  });
});
