/**
 * describeError is what the log keeps of an unexpected error. A JSON parse error quotes the text
 * it failed on, and the JSON parsed after admission is the database's (personal values): the log
 * keeps the error's name only.
 */
import { describe, expect, it } from "vitest";
import { describeError } from "../../src/server/createGateway.js";

describe("describeError", () => {
  it("keeps no text of a JSON parse error", () => {
    let thrown: unknown;
    try {
      JSON.parse('{"email": ines.robert@example.org}');
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).message).toContain("ines.rober"); // what would have been logged
    const described = describeError(thrown);
    expect(described.name).toBe("SyntaxError");
    expect(JSON.stringify(described)).not.toContain("ines");
  });

  it("keeps the message of another error", () => {
    expect(describeError(new TypeError("x is not a function")).message).toBe("x is not a function");
  });
});
