import type { Rng } from "./random.js";

const RANDOM_SUFFIX_DRAWS = 50;
const nextCounter = new WeakMap<Set<string>, Map<string, number>>();

/**
 * `name(base, null)` if unused, else with a random suffix 2 to 99 (at most 50 draws, which small
 * seeds never exhaust, so their data stays as it was), else with the next unused counter from 100
 * per base: finite and linear at any size, where 98 suffixes per common name are not.
 */
export function uniqueName(
  set: Set<string>,
  base: string,
  r: Rng,
  name = (b: string, suffix: number | null) => `${b}${suffix ?? ""}`,
): string {
  let candidate = name(base, null);
  for (let draw = 0; set.has(candidate) && draw < RANDOM_SUFFIX_DRAWS; draw++) candidate = name(base, r.int(2, 99));
  if (set.has(candidate)) {
    const counters = nextCounter.get(set) ?? new Map<string, number>();
    nextCounter.set(set, counters);
    let n = counters.get(base) ?? 100;
    while (set.has((candidate = name(base, n)))) n++;
    counters.set(base, n + 1);
  }
  set.add(candidate);
  return candidate;
}
