/**
 * The id permutation and the cursors of src/enforcement/createIdScope.ts: per scope, decoding
 * inverts encoding; distinct scopes (and secrets) give distinct ids; an id or a cursor of another
 * scope does not decode to the subject it stood for; the internal scope keeps ids as they are.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createIdScope } from "../../src/enforcement/createIdScope.js";
import type { IdentifierScope } from "../../src/policy/identifierScope.js";

const SECRET = new TextEncoder().encode("k".repeat(32));
const OTHER_SECRET = new TextEncoder().encode("j".repeat(32));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const opts = { seed: 20260412, numRuns: 300 };

const uuidArb = fc.uuid().map((u) => u.toLowerCase());
const labelArb = fc.string({ minLength: 1, maxLength: 40 });
const scoped = (label: string): IdentifierScope => ({ kind: "scoped", label });
const INTERNAL: IdentifierScope = { kind: "internal" };

describe("createIdScope", () => {
  it("decode(encode(x)) = x in every scope; the scoped form is a UUID other than x", () => {
    fc.assert(
      fc.property(uuidArb, labelArb, (id, label) => {
        const ids = createIdScope(SECRET, scoped(label));
        const external = ids.external(id);
        expect(external).toMatch(UUID);
        expect(external).not.toBe(id);
        expect(ids.internal(external)).toBe(id);
        expect(ids.external(id)).toBe(external); // stable
        expect(ids.cursorId(ids.cursor(id))).toBe(id);
      }),
      opts,
    );
  });

  it("distinct scopes and secrets give distinct ids, and one scope's id does not decode to x in another", () => {
    fc.assert(
      fc.property(uuidArb, labelArb, labelArb, (id, a, b) => {
        fc.pre(a !== b);
        const [one, two] = [createIdScope(SECRET, scoped(a)), createIdScope(SECRET, scoped(b))];
        expect(one.external(id)).not.toBe(two.external(id));
        expect(two.internal(one.external(id))).not.toBe(id);
        expect(createIdScope(OTHER_SECRET, scoped(a)).external(id)).not.toBe(one.external(id));
        expect(createIdScope(SECRET, INTERNAL).internal(one.external(id))).not.toBe(id);
      }),
      opts,
    );
  });

  it("a cursor of another scope, an altered one or a made-up one is refused", () => {
    fc.assert(
      fc.property(uuidArb, labelArb, labelArb, fc.nat(23), (id, a, b, at) => {
        fc.pre(a !== b);
        const one = createIdScope(SECRET, scoped(a));
        const cursor = one.cursor(id);
        expect(createIdScope(SECRET, scoped(b)).cursorId(cursor)).toBeNull();
        expect(createIdScope(SECRET, INTERNAL).cursorId(cursor)).toBeNull();
        const bytes = Buffer.from(cursor, "base64url");
        bytes[at] = bytes[at]! ^ 1;
        expect(one.cursorId(bytes.toString("base64url"))).toBeNull();
      }),
      opts,
    );
    const ids = createIdScope(SECRET, INTERNAL);
    for (const made of ["", "abc", Buffer.from("c:00000000-0000-4000-8000-000000000000").toString("base64url"), "x".repeat(32)]) {
      expect(ids.cursorId(made)).toBeNull();
    }
  });

  it("the internal scope keeps ids as stored, yet its cursors carry no id in clear", () => {
    fc.assert(
      fc.property(uuidArb, (id) => {
        const ids = createIdScope(SECRET, INTERNAL);
        expect(ids.external(id)).toBe(id);
        expect(ids.internal(id)).toBe(id);
        const cursor = Buffer.from(ids.cursor(id), "base64url");
        expect(cursor.toString("hex")).not.toContain(id.replaceAll("-", ""));
        expect(cursor.toString("utf8")).not.toContain(id);
      }),
      opts,
    );
  });

  it("fails closed: what is not an id has no scoped form, and is no id when sent", () => {
    const ids = createIdScope(SECRET, scoped("partner:x"));
    for (const bad of ["", "42", "jane@example.com", "00000000-0000-4000-8000-00000000000G", "00000000-0000-4000-8000-000000000000 "]) {
      expect(() => ids.external(bad)).toThrow();
      expect(ids.internal(bad)).toBeNull();
      expect(() => ids.cursor(bad)).toThrow();
    }
  });

  it("refuses an empty secret", () => {
    expect(() => createIdScope(new Uint8Array(0), INTERNAL)).toThrow(RangeError);
  });
});
