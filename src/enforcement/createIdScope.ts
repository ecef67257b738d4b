import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual, type Cipher, type Decipher } from "node:crypto";
import type { IdentifierScope } from "../policy/identifierScope.js";

/**
 * The ids of one scope (src/policy/identifierScope.ts): what its callers receive for an internal
 * id, and the internal id that what they send stands for.
 */
export interface IdScope {
  /**
   * The id as this scope's callers receive it (the internal id itself in the internal scope).
   * Throws for anything that is not a UUID: an id that cannot be mapped never leaves as stored.
   */
  external(internalId: string): string;
  /**
   * The internal id an id of this scope stands for; null for anything not shaped like an id. An
   * id of another scope, or a made-up one, maps to an id that exists nowhere, so it is answered
   * exactly as an unknown id is, by the same path (same statements, error and metrics).
   */
  internal(externalId: string): string | null;
  /** An opaque page cursor after this internal id, sealed under the scope's keys. */
  cursor(internalId: string): string;
  /** The internal id of a cursor this scope issued; null for any other (another scope's, altered, made up). */
  cursorId(cursor: string): string | null;
  /**
   * A MAC of `message` under this scope's key (16 bytes, base64url), for opaque tokens other than
   * page cursors that must come back as issued (the access report's cursors).
   */
  tag(message: string): string;
  /**
   * A secret of this scope that orders its pages (by `md5(orderSalt || id)`), so that two scopes
   * see the same subjects in unrelated orders and cannot line their ids up by position; null in
   * the internal scope, which pages in id order.
   */
  readonly orderSalt: string | null;
  /** False in the internal scope, where ids leave as stored; true where they leave as the scope's pseudonyms. */
  readonly scoped: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HKDF_SALT = "privacy-gateway scoped identifiers v1";
const TAG_BYTES = 8;
const CURSOR_BYTES = 16 + TAG_BYTES;

/**
 * A keyed pseudorandom permutation of 16-byte blocks: AES-256 on exactly one block (ECB, no
 * padding, so each `update` is one stateless block operation and the ciphers are reused).
 * Chosen over a mapping table (bench/identifierScope.ts): about a microsecond per id, no table
 * that grows with partners x subjects x rows and would need erasure and replication, no write on
 * a read, and the same answer on every replica from the key alone. Deterministic on purpose: a
 * partner's id for a row is stable, like OpenID Connect's pairwise `sub`.
 */
class Permutation {
  private readonly forward: Cipher;
  private readonly backward: Decipher;
  constructor(key: Buffer) {
    this.forward = createCipheriv("aes-256-ecb", key, null).setAutoPadding(false);
    this.backward = createDecipheriv("aes-256-ecb", key, null).setAutoPadding(false);
  }
  encrypt(block: Buffer): Buffer {
    return this.forward.update(block);
  }
  decrypt(block: Buffer): Buffer {
    return this.backward.update(block);
  }
}

/** A key for one use in one scope: HKDF-SHA256 from the server's secret, the info naming both. */
function permutation(secret: Uint8Array, use: "id" | "cursor" | "cursor-tag", label: string): Permutation {
  return new Permutation(Buffer.from(hkdfSync("sha256", secret, HKDF_SALT, `${use}:${label}`, 32)));
}

const bytesOf = (uuid: string): Buffer => Buffer.from(uuid.replaceAll("-", ""), "hex");
function uuidOf(block: Buffer): string {
  const hex = block.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Cursors of every scope: the id under the scope's cursor key, then a tag under a second key, base64url. */
function cursors(secret: Uint8Array, label: string): Pick<IdScope, "cursor" | "cursorId" | "tag"> {
  const macKey = Buffer.from(hkdfSync("sha256", secret, HKDF_SALT, `tag:${label}`, 32));
  const sealed = permutation(secret, "cursor", label);
  const tags = permutation(secret, "cursor-tag", label);
  // A permutation is a PRF, so on this one-block message its truncated output is a MAC.
  const tagOf = (block: Buffer) => tags.encrypt(block).subarray(0, TAG_BYTES);
  return {
    cursor(internalId) {
      if (!UUID.test(internalId)) throw new Error("a cursor is made from a row id only");
      const block = sealed.encrypt(bytesOf(internalId));
      return Buffer.concat([block, tagOf(block)]).toString("base64url");
    },
    cursorId(cursor) {
      const bytes = Buffer.from(cursor, "base64url");
      if (bytes.length !== CURSOR_BYTES) return null;
      const block = bytes.subarray(0, 16);
      return timingSafeEqual(tagOf(block), bytes.subarray(16)) ? uuidOf(sealed.decrypt(block)) : null;
    },
    tag: (message) => createHmac("sha256", macKey).update(message, "utf8").digest().subarray(0, 16).toString("base64url"),
  };
}

function build(secret: Uint8Array, scope: IdentifierScope): IdScope {
  if (scope.kind === "internal") {
    return {
      external: (id) => id,
      internal: (id) => (UUID.test(id) ? id : null),
      ...cursors(secret, "internal"),
      orderSalt: null,
      scoped: false,
    };
  }
  const ids = permutation(secret, "id", scope.label);
  return {
    external(id) {
      if (!UUID.test(id)) throw new Error("an identifier that is not a UUID has no scoped form");
      return uuidOf(ids.encrypt(bytesOf(id)));
    },
    internal: (id) => (UUID.test(id) ? uuidOf(ids.decrypt(bytesOf(id))) : null),
    ...cursors(secret, scope.label),
    orderSalt: Buffer.from(hkdfSync("sha256", secret, HKDF_SALT, `order:${scope.label}`, 16)).toString("hex"),
    scoped: true,
  };
}

// Key derivation costs tens of microseconds; a scope's permutations are built once per process
// and secret (a few scopes per partner, one per pseudonymising purpose) and shared by requests:
// each call is one synchronous, stateless block operation.
const built = new WeakMap<Uint8Array, Map<string, IdScope>>();

/** The id scope for `scope` under the server's secret (the pseudonym key; keys derived with labels). */
export function createIdScope(secret: Uint8Array, scope: IdentifierScope): IdScope {
  if (secret.length === 0) throw new RangeError("createIdScope: the secret must not be empty");
  let scopes = built.get(secret);
  if (scopes === undefined) built.set(secret, (scopes = new Map()));
  const name = scope.kind === "internal" ? "" : scope.label;
  let ids = scopes.get(name);
  if (ids === undefined) scopes.set(name, (ids = build(secret, scope)));
  return ids;
}
