import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs. Contract: callers log ids, codes, coordinates and counts, never a value
 * read from or written to the database; error objects are logged by name and message only after
 * messageWithoutInput (graphql-js messages may echo client input).
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      base: { service: "privacy-gateway" },
      redact: { paths: ["req.headers.authorization", 'req.headers["x-api-key"]', "variables"], remove: true },
    },
    options.destination,
  );
}
