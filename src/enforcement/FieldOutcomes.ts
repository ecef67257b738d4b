import type { RecordedField } from "./dataMap.js";

export const OUTCOMES = ["disclosed", "masked", "pseudonymized", "withheld"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * An outcome's bit, by comparisons rather than a lookup table: a page records thousands of cells,
 * and a keyed load whose key varies goes megamorphic (a stub-cache lookup per cell); interned
 * strings compare by identity.
 */
const bitOf = (outcome: Outcome): number => (outcome === "disclosed" ? 1 : outcome === "masked" ? 2 : outcome === "pseudonymized" ? 4 : 8);

/** Coordinates by outcome, each list sorted: what a disclosure record holds. */
export type OutcomeLists = Record<Outcome, string[]>;

/**
 * What one request did with one subject's personal fields, or with all of them: per output field
 * (its slot in `DataMap.coordinates`), the outcomes it had, as bits. Coordinates only, never
 * values. A page records thousands of cells, so recording one is an array write, not a set insert
 * of a name, and subjects whose records are alike are found by comparing bytes (`key`).
 */
export class FieldOutcomes {
  readonly #bits: Uint8Array;

  constructor(fields: number) {
    this.#bits = new Uint8Array(fields);
  }

  /** Throws for a field without a slot here: a typed array would drop the write silently. */
  record(field: RecordedField, outcome: Outcome): void {
    if (!(field.slot >= 0 && field.slot < this.#bits.length)) throw new Error(`no outcome slot for ${field.coordinate}`);
    this.#bits[field.slot]! |= bitOf(outcome);
  }

  /** Adds another record's outcomes to this one (the outcomes of a whole response). */
  include(other: FieldOutcomes): void {
    const bits = other.#bits;
    for (let i = 0; i < bits.length; i++) this.#bits[i]! |= bits[i]!;
  }

  /** A copy to add to without changing this one. */
  copy(): FieldOutcomes {
    const copy = new FieldOutcomes(this.#bits.length);
    copy.#bits.set(this.#bits);
    return copy;
  }

  /** True when no field has an outcome. */
  isEmpty(): boolean {
    return this.#bits.every((bits) => bits === 0);
  }

  /** Equal for two records exactly when they hold the same outcomes for the same fields. */
  key(): string {
    return Buffer.from(this.#bits.buffer, this.#bits.byteOffset, this.#bits.length).toString("latin1");
  }

  /** The coordinates by outcome, in `coordinates` order (sorted, when given DataMap.coordinates). */
  lists(coordinates: readonly string[]): OutcomeLists {
    const lists: OutcomeLists = { disclosed: [], masked: [], pseudonymized: [], withheld: [] };
    this.#bits.forEach((bits, slot) => {
      if (bits === 0) return;
      for (const outcome of OUTCOMES) if (bits & bitOf(outcome)) lists[outcome].push(coordinates[slot]!);
    });
    return lists;
  }
}
