import { messageWithoutInput } from "../errors/messageWithoutInput.js";

/** What of an error may reach the log: its class, code and a scrubbed message, never a stack of values. */
export function describeError(error: unknown): { name: string; message: string; code?: string } {
  // Drizzle's query errors carry the statement's parameters (personal values) in their message:
  // log only the driver's error code underneath.
  if (error instanceof Error && ("params" in error || /\bparams:/.test(error.message))) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return { name: error.name, message: "database query failed", ...(typeof code === "string" ? { code } : {}) };
  }
  // JSON.parse quotes the text it failed on ("...": ines@examp"... is not valid JSON), and the only
  // JSON parsed after a request is admitted is the database's (a customer's nested rows, a
  // subject's state): personal values. Clients' bodies are refused with messages of their own.
  if (error instanceof SyntaxError) return { name: error.name, message: "JSON did not parse (its text is not logged)" };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: messageWithoutInput(error).slice(0, 300), ...(typeof code === "string" ? { code } : {}) };
  }
  return { name: typeof error, message: "non-error thrown" };
}
