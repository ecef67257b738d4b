import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { costVariables } from "../../src/server/limits/costVariables.js";

/** The variables that can change an operation's cost: those given to `first`, and those of @skip and @include. */
describe("costVariables", () => {
  it.each([
    [
      "first and @include, not an id",
      `query Q($n: Int!, $id: ID!, $s: Boolean!) { customer(id: $id) { visits(first: $n) @include(if: $s) { id } } }`,
      ["n", "s"],
    ],
    ["inside a fragment", `query Q($m: Int!) { ...F } fragment F on Query { customers(first: $m) { totalCount } }`, ["m"]],
    ["@skip on an inline fragment", `query Q($k: Boolean!) { ... @skip(if: $k) { customers(first: 3) { totalCount } } }`, ["k"]],
    ["the argument's name counts, not the variable's", `query Q($first: ID!) { customer(id: $first) { id } }`, []],
    ["a literal `first`", `{ customers(first: 5) { totalCount } }`, []],
    ["another directive's variable", `query Q($p: Purpose!) @purpose(name: $p) { customers(first: 2) { totalCount } }`, []],
    [
      "each name once, sorted",
      `query Q($b: Int!, $a: Int!) { x: customers(first: $b) { totalCount } y: customers(first: $a) { totalCount } z: customers(first: $b) { totalCount } }`,
      ["a", "b"],
    ],
  ])("%s", (_name, source, expected) => {
    expect(costVariables(parse(source))).toEqual(expected);
  });

  it("is read once per parsed document", () => {
    const document = parse(`query Q($n: Int!) { customers(first: $n) { totalCount } }`);
    expect(costVariables(document)).toBe(costVariables(document));
  });
});
