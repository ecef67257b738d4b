import { readFileSync } from "node:fs";
import { buildSchema, type GraphQLEnumType } from "graphql";
import { describe, expect, it } from "vitest";
import { PURPOSES } from "../../src/policy/index.js";
import { purposeName } from "../../src/policy/purposeName.js";

describe("purposeName", () => {
  it("spells each purpose as the GraphQL enum Purpose does, one name per purpose", () => {
    const sdl = readFileSync(new URL("../../schema/schema.graphql", import.meta.url), "utf8");
    const purposeEnum = buildSchema(sdl).getType("Purpose") as GraphQLEnumType;
    expect(PURPOSES.map(purposeName)).toEqual(purposeEnum.getValues().map((v) => v.name));
    expect(purposeName("legal_compliance")).toBe("LEGAL_COMPLIANCE");
  });
});
