import { expect } from "vitest";

/** No stack trace, file path, JavaScript error prefix, SQL or library internals in a response body. */
export function expectNoInternals(text: string) {
  expect(text).not.toMatch(/stack/i);
  // A stack frame's "at /path/file.js:1:2"; the gateway's own "The API is at /graphql." is fine.
  expect(text.replace(/ at \/graphql\b/g, "")).not.toContain("at /");
  expect(text).not.toContain("node_modules");
  // graphql-js's own "Syntax Error: ..." is the documented parse message, not a JS error prefix.
  expect(text.replace(/Syntax Error: /g, "")).not.toMatch(/\b[A-Za-z]*Error: /);
  expect(text).not.toMatch(/\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\bdelete\s+from\b|\bupdate\s+"?\w+"?\s+set\b/i);
  expect(text).not.toMatch(/drizzle|pglite|postgres|params:/i);
  expect(text).not.toMatch(/jose|JWS|JWT[A-Z][a-z]/);
}
