/**
 * The log that enforcement and the layers beside it write to: structured records of ids, codes,
 * coordinates and counts, never a value. A minimal interface so that nothing below the server
 * imports its logger; pino's Logger (src/server/logger.ts) satisfies it.
 */
export interface Logger {
  info(record: object, message: string): void;
  error(record: object, message: string): void;
}
