import { createHash } from "node:crypto";
import { parse, print, type DocumentNode } from "graphql";

export interface NormalisedOperation {
  /** The parsed document. */
  document: DocumentNode;
  /** graphql-js 16's `print` of the document: whitespace, commas and comments do not count. */
  text: string;
  /** Hex SHA-256 of `text`: the hash a persisted operation is registered and sent under. */
  sha256: string;
}

/** Hex SHA-256 of a text's UTF-8 bytes. */
export const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * What a persisted operation's hash covers: the normalised text, `print(parse(text))`, so that
 * formatting and comments do not change it and a document printed by graphql-js (as Apollo
 * Client's persisted-queries link sends it) hashes to the same value. Throws graphql-js's
 * GraphQLError when the text does not parse.
 */
export function normaliseOperation(source: string): NormalisedOperation {
  const document = parse(source, { noLocation: true });
  const text = print(document);
  return { document, text, sha256: sha256Hex(text) };
}
