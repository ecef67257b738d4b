/** A thenable; a primitive (most personal values are strings) is told apart without a prototype lookup. */
export function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
