/**
 * The guards executor on a small schema of its own: which fields it wraps, and that leaving a
 * nested field unwrapped never lets through what a rule refuses.
 */
import { buildSchema, graphql } from "graphql";
import { describe, expect, it } from "vitest";
import { applyRuleTree } from "../../src/enforcement/applyRuleTree.js";
import type { FieldRule, RuleTree } from "../../src/enforcement/createRuleTree.js";
import type { DataMap } from "../../src/enforcement/dataMap.js";

const NO_PERSONAL_FIELDS: DataMap = { fields: new Map(), inputs: new Map(), identifiers: new Map(), categories: [], coordinates: [] };

const typeDefs = `type Query { item: Item, other: Item } type Item { label: String, note: String, child: Item }`;
const item = { label: "L", note: "N", child: { label: "L2", note: "N2", child: null } };

/** A request-level rule that answers `allowed` and counts its calls. */
function counted(name: string, allowed: boolean): FieldRule & { calls: number } {
  const rule = { name, perSubject: false, calls: 0, check: () => (rule.calls++, allowed) };
  return rule;
}

async function run(tree: RuleTree, query: string) {
  const schema = applyRuleTree(buildSchema(typeDefs), tree, NO_PERSONAL_FIELDS);
  return graphql({ schema, source: query, rootValue: { item, other: item }, contextValue: {} });
}

const treeOf = (root: FieldRule, fields: Partial<Record<"label" | "note" | "child", FieldRule>> = {}, other = root): RuleTree => ({
  Query: { item: root, other },
  Item: { label: fields.label ?? root, note: fields.note ?? root, child: fields.child ?? root },
});

describe("the guards executor", () => {
  it("checks the rule every root field stands on at the root only, once per root field", async () => {
    const rule = counted("request", true);
    const result = await run(treeOf(rule), "{ item { label note child { label note } } }");
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ item: { label: "L", note: "N", child: { label: "L2", note: "N2" } } });
    expect(rule.calls).toBe(1);
  });

  it("reads nothing below a root field whose rule refuses", async () => {
    const result = await run(treeOf(counted("request", false)), "{ item { label child { label } } }");
    expect(result.data).toEqual({ item: null });
    expect(result.errors?.map((e) => e.message)).toEqual(["Not permitted."]);
  });

  it("guards a nested field whose rule is not the roots' own, on every row", async () => {
    const noteRule = counted("notes", false);
    const result = await run(treeOf(counted("request", true), { note: noteRule }), "{ item { label note child { note } } }");
    expect(result.data).toEqual({ item: { label: "L", note: null, child: { note: null } } });
    expect(result.errors).toHaveLength(2);
    expect(noteRule.calls).toBe(2);
  });

  it("guards every field when the root fields do not all stand on one rule", async () => {
    const rule = counted("request", true);
    const result = await run(treeOf(rule, {}, counted("other", true)), "{ item { label child { label } } }");
    expect(result.errors).toBeUndefined();
    expect(rule.calls).toBe(4);
  });

  it("treats root fields whose own rules include one request-level rule as standing on it (a root field's audience rule)", async () => {
    const request = counted("request", true);
    const item = { ...counted("audience:item", true), includes: request };
    const other = { ...counted("audience:other", false), includes: request };
    const tree: RuleTree = { Query: { item, other }, Item: { label: request, note: request, child: request } };
    const result = await run(tree, "{ item { label child { label } } other { label } }");
    expect(result.data).toEqual({ item: { label: "L", child: { label: "L2" } }, other: null });
    expect(result.errors?.map((e) => e.path?.join("."))).toEqual(["other"]);
    expect(request.calls).toBe(0); // each root's own rule includes it: nothing below is wrapped
  });

  it("reads a guarded field without a resolver as graphql-js's default resolver does: the property, a method called with the arguments", async () => {
    const noteRule = counted("notes", true);
    const schema = applyRuleTree(buildSchema(typeDefs), treeOf(counted("request", true), { note: noteRule }), NO_PERSONAL_FIELDS);
    const withMethod = {
      label: "L",
      note(this: { label: string }, args: unknown, ctx: { suffix: string }) {
        return `${this.label}:${JSON.stringify(args)}${ctx.suffix}`;
      },
      child: item,
    };
    const result = await graphql({
      schema,
      source: "{ item { note child { note } } }",
      rootValue: { item: withMethod },
      contextValue: { suffix: "!" },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ item: { note: "L:{}!", child: { note: "N" } } });
    expect(noteRule.calls).toBe(2);
  });

  it("refuses a field that the tree does not name", async () => {
    const rule = counted("request", true);
    const tree: RuleTree = { Query: { item: rule, other: rule }, Item: { label: rule } };
    const result = await run(tree, "{ item { label note } }");
    expect(result.data).toEqual({ item: { label: "L", note: null } });
    expect(result.errors?.map((e) => e.path?.join("."))).toEqual(["item.note"]);
  });
});
