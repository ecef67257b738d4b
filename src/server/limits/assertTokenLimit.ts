import { GraphQLError, Lexer, Source, TokenKind } from "graphql";
import { limitExceeded } from "./limitExceeded.js";

/**
 * Refuses a document of more than `max` lexical tokens before it is parsed, authenticated or
 * validated, counting exactly as graphql-js's own `maxTokens` parse option does (comments are
 * not tokens). Checked at the HTTP layer rather than through graphql-armor's Apollo max-tokens
 * plugin, which throws from `parsingDidStart` and so reaches the client as a 500. A document that
 * does not even lex is left to Apollo's parser, which reports it as GRAPHQL_PARSE_FAILED.
 */
export function assertTokenLimit(query: string, max: number): void {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > max) break;
    }
  } catch (error) {
    if (error instanceof GraphQLError) return;
    throw error;
  }
  if (count > max) throw limitExceeded("tokens", max);
}
