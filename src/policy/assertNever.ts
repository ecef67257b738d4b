/** Exhaustiveness guard: a switch that misses a case fails to compile here. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${String(value)}`);
}
