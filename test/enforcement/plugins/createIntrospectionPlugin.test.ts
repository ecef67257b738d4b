import { describe, expect, it } from "vitest";
import { createIntrospectionPlugin } from "../../../src/enforcement/plugins/createIntrospectionPlugin.js";
import type { Caller } from "../../../src/policy/caller.js";
import { contextFor, customerCaller, serverWith, staffCaller, tinySchema } from "./support.js";

/** The introspection plugin alone, in memory: each caller introspects its own schema; mixing introspection with data is refused. */

const schema = tinySchema();
const { run } = serverWith(schema, [createIntrospectionPlugin({ schema })]);
const INTROSPECT = '{ __schema { queryType { fields { name } } } __type(name: "Customer") { fields { name } } }';

async function viewOf(caller: Caller) {
  const { status, result } = await run(INTROSPECT, contextFor(schema, caller));
  expect(result.errors).toBeUndefined();
  const data = result.data as { __schema: { queryType: { fields: { name: string }[] } }; __type: { fields: { name: string }[] } | null };
  return {
    status,
    roots: data.__schema.queryType.fields.map((f) => f.name).sort(),
    customer: data.__type?.fields.map((f) => f.name).sort(),
  };
}

describe("createIntrospectionPlugin", () => {
  it("answers introspection from the caller's own schema: its root fields and the personal fields it could ever read", async () => {
    expect(await viewOf(customerCaller())).toEqual({
      status: undefined,
      roots: ["customer", "customers", "me"],
      customer: ["card", "email", "id", "name"],
    });
    // A marketing analyst can never read a card for any of its purposes, and `me` serves customers only.
    expect(await viewOf(staffCaller("marketing_analyst"))).toEqual({
      status: undefined,
      roots: ["customer", "customers"],
      customer: ["email", "id", "name"],
    });
  });

  it("refuses introspection mixed with data fields (400 BAD_REQUEST) before anything executes", async () => {
    const { status, result } = await run(
      '{ __schema { queryType { name } } customer(id: "1") { name } }',
      contextFor(schema, staffCaller("support_agent")),
    );
    expect(status).toBe(400);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_REQUEST"]);
    expect(result.data).toBeUndefined();
  });

  it("leaves `__typename` beside data fields to normal execution", async () => {
    const { result } = await run('{ __typename customer(id: "1") { name } }', contextFor(schema, staffCaller("support_agent")));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ __typename: "Query", customer: { name: "Ada Lovelace" } });
  });

  it("shows an anonymous caller nothing (401 UNAUTHENTICATED)", async () => {
    const { status, result } = await run(INTROSPECT, contextFor(schema, { kind: "anonymous" }));
    expect(status).toBe(401);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(result.data).toBeUndefined();
  });
});
