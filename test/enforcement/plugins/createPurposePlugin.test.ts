import fc from "fast-check";
import { DEFAULT_POLICY } from "../../../src/policy/index.js";
import { describe, expect, it } from "vitest";
import { createPurposePlugin } from "../../../src/enforcement/plugins/createPurposePlugin.js";
import { purposeName } from "../../../src/policy/purposeName.js";
import { purposesFor } from "../../../src/policy/caller.js";
import { PURPOSES } from "../../../src/policy/purposes.js";
import { STAFF_ROLES } from "../../../src/policy/roles.js";
import { contextFor, customerCaller, serverWith, staffCaller, tinySchema } from "./support.js";

/** The purpose plugin alone, in memory: which purpose a request gets, and which requests get none and do not execute. */

const schema = tinySchema();
const { run } = serverWith(schema, [createPurposePlugin({ schema })]);
const READ = '{ customer(id: "c-9") { name } }';
const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.code;

describe("createPurposePlugin", () => {
  it("takes the operation's @purpose, or the x-purpose header in either spelling", async () => {
    for (const [query, headers] of [
      [`query Q @purpose(name: CLAIMS) ${READ}`, {}],
      [READ, { "x-purpose": "CLAIMS" }],
      [READ, { "x-purpose": "claims" }],
      [`query Q @purpose(name: CLAIMS) ${READ}`, { "x-purpose": "claims" }],
    ] as const) {
      const ctx = contextFor(schema, staffCaller("support_agent"), { headers });
      const { result } = await run(query, ctx);
      expect(result.errors).toBeUndefined();
      expect(ctx.enforcement.purpose).toBe("claims");
    }
  });

  it("defaults to the caller's only purpose: a customer's account_management", async () => {
    const ctx = contextFor(schema, customerCaller());
    expect((await run("{ me { name } }", ctx)).result.errors).toBeUndefined();
    expect(ctx.enforcement.purpose).toBe("account_management");
  });

  it("refuses a read without a purpose from a caller with several: PURPOSE_REQUIRED, the allowed ones listed, nothing executed", async () => {
    const ctx = contextFor(schema, staffCaller("support_agent"));
    const { result } = await run(READ, ctx);
    expect(codeOf(result)).toBe("PURPOSE_REQUIRED");
    expect(result.errors?.[0]?.extensions?.allowedPurposes).toEqual(purposesFor(DEFAULT_POLICY, ctx.caller).map(purposeName));
    expect(result.data).toBeUndefined();
    expect(ctx.enforcement.mayExecute).toBe(false);
  });

  it("lets an operation that reads no subject run without a purpose, and an introspection-only one too", async () => {
    const staff = contextFor(schema, staffCaller("support_agent"));
    expect((await run("{ myGrant { purposes } }", staff)).result.errors).toBeUndefined();
    expect([staff.enforcement.purpose, staff.enforcement.mayExecute]).toEqual([null, true]);
    const introspecting = contextFor(schema, staffCaller("support_agent"));
    expect((await run("{ __typename }", introspecting)).result.errors).toBeUndefined();
    expect(introspecting.enforcement.purpose).toBeNull();
  });

  it("refuses a header naming no purpose and a header that disagrees with @purpose, without echoing the header", async () => {
    const unknown = await run(READ, contextFor(schema, staffCaller("support_agent"), { headers: { "x-purpose": "ada@example.com" } }));
    expect(codeOf(unknown.result)).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(unknown.result)).not.toContain("ada@example.com");
    const disagree = await run(
      `query Q @purpose(name: CLAIMS) ${READ}`,
      contextFor(schema, staffCaller("support_agent"), { headers: { "x-purpose": "customer_support" } }),
    );
    expect(codeOf(disagree.result)).toBe("BAD_USER_INPUT");
  });

  it("admits exactly the purposes the caller's role allows (PURPOSE_NOT_ALLOWED otherwise, nothing executed)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...STAFF_ROLES), fc.constantFrom(...PURPOSES), async (role, purpose) => {
        const ctx = contextFor(schema, staffCaller(role));
        const { result } = await run(`query Q($p: Purpose!) @purpose(name: $p) ${READ}`, ctx, { p: purposeName(purpose) });
        if (purposesFor(DEFAULT_POLICY, ctx.caller).includes(purpose)) {
          expect(result.errors).toBeUndefined();
          expect(ctx.enforcement.purpose).toBe(purpose);
        } else {
          expect(codeOf(result)).toBe("PURPOSE_NOT_ALLOWED");
          expect(result.data).toBeUndefined();
          expect(ctx.enforcement.purpose).toBeNull();
        }
      }),
      { numRuns: 60 },
    );
  });
});
