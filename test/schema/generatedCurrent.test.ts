import { readFileSync } from "node:fs";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import config from "../../codegen.js";

describe("test/generated (GraphQL Code Generator)", () => {
  it("is current with schema/schema.graphql and test/operations (run `npm run codegen` when this fails)", async () => {
    const outputs = (await generate({ ...config, cwd: process.cwd(), silent: true }, false)) as { filename: string; content: string }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) expect(readFileSync(output.filename, "utf8"), output.filename).toBe(output.content);
  });
});
