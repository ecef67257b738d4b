import type { Database } from "../../db/client.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { Caller } from "../../policy/caller.js";
import { findPersistedOperation } from "./findPersistedOperation.js";
import { normaliseOperation, sha256Hex } from "./normaliseOperation.js";

/** The GraphQL parameters of an HTTP request: the parsed JSON body (POST) or the query string (GET, body undefined). */
export interface OperationRequest {
  body: unknown;
  search: string;
}

interface SentOperation {
  /** The `query` text, when one was sent. */
  text: string | null;
  /** `extensions.persistedQuery.sha256Hash`, lower case, when sent. */
  hash: string | null;
  /** The body or query string has the shape of one GraphQL request (not a batch, not a bare value). */
  wellFormed: boolean;
}

const HASH = /^[0-9a-fA-F]{64}$/;
const malformed = () =>
  new GatewayError(ErrorCode.BAD_REQUEST, 'extensions.persistedQuery must be { "version": 1, "sha256Hash": "<64 hex digits>" }.');
const notAllowed = (sha256Hash: string | null) =>
  new GatewayError(
    ErrorCode.PERSISTED_OPERATION_NOT_ALLOWED,
    "This partner may run only the persisted operations registered for it, and this is not one of them.",
    sha256Hash === null ? {} : { sha256Hash },
  );
const notFound = () =>
  new GatewayError(
    ErrorCode.PERSISTED_QUERY_NOT_FOUND,
    "No operation is registered under this persisted-query hash for you: send the query text with it.",
  );
const mismatch = () =>
  new GatewayError(
    ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
    "The query text is not the document of extensions.persistedQuery.sha256Hash (the hex SHA-256 of the normalised text).",
  );

/**
 * Persisted operations, in Apollo's APQ request format (`extensions.persistedQuery: { version: 1,
 * sha256Hash }`, with or without `query`), resolved before Apollo sees the request: Apollo's own
 * APQ is off (`persistedQueries: false`), so a request can never register an operation; only the
 * privacy office does (`registerPersistedOperation`). Returns the request to hand to Apollo, the
 * text in `query` and the extension removed.
 *
 * - A hash sent with a text must be the hash of that text's normalised form (normaliseOperation.ts),
 *   else PERSISTED_QUERY_HASH_MISMATCH, whoever calls.
 * - A partner held to its allowlist runs only its registered, unrevoked documents, sent by hash,
 *   by text or both; anything else (unknown hash, unknown text, text that does not parse, a batch)
 *   is PERSISTED_OPERATION_NOT_ALLOWED. One statement (the lookup) for a held partner or a partner
 *   that sent a hash, none for anyone else; nothing executes before it.
 * - Anyone else may send a registered hash alone (a partner: its own registrations; customers and
 *   staff have none), else PERSISTED_QUERY_NOT_FOUND, or the text, with or without its hash.
 */
export async function admitPersistedOperation(
  request: OperationRequest,
  deps: { caller: Caller; db: Database },
): Promise<OperationRequest> {
  const sent = readOperation(request);
  if (sent.hash !== null && sent.text !== null && !hashMatches(sent.text, sent.hash)) throw mismatch();
  const { caller } = deps;
  if (caller.kind !== "partner") {
    if (sent.hash === null) return request;
    if (sent.text === null) throw notFound();
    return withQuery(request, sent.text);
  }
  // Read with the key: a partner not held that sent no hash needs no lookup.
  if (caller.persistedOperationsOnly === false && sent.hash === null) return request;
  const hash = sent.hash ?? (sent.text === null ? null : normalisedHash(sent.text));
  const found = await findPersistedOperation(deps.db, caller.partnerId, hash);
  // A partner gone since authentication counts as held: fail closed.
  if (found === null || found.persistedOperationsOnly) {
    if (!sent.wellFormed || found?.document == null) throw notAllowed(hash);
    return withQuery(request, found.document);
  }
  if (sent.hash === null) return request;
  if (sent.text !== null) return withQuery(request, sent.text);
  if (found.document === null) throw notFound();
  return withQuery(request, found.document);
}

function readOperation(request: OperationRequest): SentOperation {
  let query: unknown;
  let extensions: unknown;
  let wellFormed = true;
  if (request.body === undefined) {
    const params = new URLSearchParams(request.search);
    query = params.get("query") ?? undefined;
    const raw = params.get("extensions");
    if (raw !== null) {
      try {
        extensions = JSON.parse(raw);
      } catch {
        throw new GatewayError(ErrorCode.BAD_REQUEST, "The extensions parameter is not valid JSON.");
      }
    }
  } else if (isRecord(request.body)) {
    ({ query, extensions } = request.body);
  } else {
    wellFormed = false;
  }
  const persisted = isRecord(extensions) ? extensions.persistedQuery : undefined;
  let hash: string | null = null;
  if (persisted !== undefined && persisted !== null) {
    if (!isRecord(persisted) || persisted.version !== 1 || typeof persisted.sha256Hash !== "string" || !HASH.test(persisted.sha256Hash))
      throw malformed();
    hash = persisted.sha256Hash.toLowerCase();
  }
  return {
    text: typeof query === "string" && query !== "" ? query : null,
    hash,
    wellFormed: wellFormed && (query === undefined || typeof query === "string"),
  };
}

function hashMatches(text: string, hash: string): boolean {
  // A text already in normal form (as registered, or as graphql-js prints it) needs no parse.
  return sha256Hex(text) === hash || normalisedHash(text) === hash;
}

/** The normalised text's hash; null when the text does not parse (it can be no registered document). */
function normalisedHash(text: string): string | null {
  try {
    return normaliseOperation(text).sha256;
  } catch {
    return null;
  }
}

/** The request with `query` set to the text and `extensions.persistedQuery` removed. */
function withQuery(request: OperationRequest, text: string): OperationRequest {
  if (request.body === undefined) {
    const params = new URLSearchParams(request.search);
    params.set("query", text);
    const raw = params.get("extensions");
    const rest = raw === null ? {} : withoutPersistedQuery(JSON.parse(raw));
    if (Object.keys(rest).length > 0) params.set("extensions", JSON.stringify(rest));
    else params.delete("extensions");
    return { body: undefined, search: `?${params}` };
  }
  const { extensions, ...body } = request.body as Record<string, unknown>;
  const rest = withoutPersistedQuery(extensions);
  return { body: { ...body, query: text, ...(Object.keys(rest).length > 0 ? { extensions: rest } : {}) }, search: request.search };
}

function withoutPersistedQuery(extensions: unknown): Record<string, unknown> {
  if (!isRecord(extensions)) return {};
  const { persistedQuery: _dropped, ...rest } = extensions;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
