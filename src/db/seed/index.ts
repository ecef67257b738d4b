/** The deterministic demo/test data generator: `seed(db, options)`, see `seed.ts`. */
export * from "./seed.js";
export { CANARY_COLUMNS, CANARY_PATTERN, CANARY_PREFIX, findCanaries, hasCanary, type CanaryKind } from "./canary.js";
export { Rng } from "./random.js";
