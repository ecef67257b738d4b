/**
 * FieldOutcomes, the per-subject record of what a request did with each personal field, held
 * against a plain reference (sets of coordinate names, sorted at the end) on generated records.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { FieldOutcomes, OUTCOMES, type Outcome, type OutcomeLists } from "../../src/enforcement/FieldOutcomes.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";

const dataMap = getDataMap(await buildGatewaySchema());
const fields = [...dataMap.fields.values()];

const recordArb = fc.array(fc.tuple(fc.integer({ min: 0, max: fields.length - 1 }), fc.constantFrom(...OUTCOMES)), { maxLength: 40 });

function recorded(records: [number, Outcome][]): FieldOutcomes {
  const outcomes = new FieldOutcomes(dataMap.coordinates.length);
  for (const [i, outcome] of records) outcomes.record(fields[i]!, outcome);
  return outcomes;
}

function reference(records: [number, Outcome][]): OutcomeLists {
  const sets = Object.fromEntries(OUTCOMES.map((o) => [o, new Set<string>()])) as Record<Outcome, Set<string>>;
  for (const [i, outcome] of records) sets[outcome].add(fields[i]!.coordinate);
  return Object.fromEntries(OUTCOMES.map((o) => [o, [...sets[o]].sort()])) as OutcomeLists;
}

describe("FieldOutcomes", () => {
  it("gives a field's slot to its coordinate, in sorted order", () => {
    expect(dataMap.coordinates).toEqual([...dataMap.coordinates].sort());
    for (const field of fields) expect(dataMap.coordinates[field.slot]).toBe(field.coordinate);
    expect(new Set(fields.map((f) => f.slot)).size).toBe(fields.length);
  });

  it("gives a field, input fields included (a lookup is decided and recorded), its category's position and a slot of its own", () => {
    for (const field of [...fields, ...dataMap.inputs.values()]) {
      expect(dataMap.categories[field.categorySlot], field.coordinate).toBe(field.category);
      expect(dataMap.coordinates[field.slot], field.coordinate).toBe(field.coordinate);
    }
  });

  it("lists exactly the coordinates recorded under each outcome, sorted", () => {
    fc.assert(
      fc.property(recordArb, (records) => {
        expect(recorded(records).lists(dataMap.coordinates)).toEqual(reference(records));
      }),
      { seed: 20261205, numRuns: 300 },
    );
  });

  it("gives two records the same key exactly when their lists are the same", () => {
    fc.assert(
      fc.property(recordArb, recordArb, (a, b) => {
        const same = JSON.stringify(reference(a)) === JSON.stringify(reference(b));
        expect(recorded(a).key() === recorded(b).key()).toBe(same);
        expect(recorded([...a].reverse()).key()).toBe(recorded(a).key());
      }),
      { seed: 20261205, numRuns: 300 },
    );
  });

  it("refuses to record a field that has no slot, rather than drop the record", () => {
    expect(() => new FieldOutcomes(dataMap.coordinates.length).record({ ...fields[0]!, slot: -1 }, "disclosed")).toThrow(/no outcome slot/);
    expect(() =>
      new FieldOutcomes(dataMap.coordinates.length).record({ ...fields[0]!, slot: dataMap.coordinates.length }, "masked"),
    ).toThrow(/no outcome slot/);
  });

  it("includes another record's outcomes as their union", () => {
    fc.assert(
      fc.property(recordArb, recordArb, (a, b) => {
        const all = recorded(a);
        all.include(recorded(b));
        expect(all.lists(dataMap.coordinates)).toEqual(reference([...a, ...b]));
      }),
      { seed: 20261205, numRuns: 300 },
    );
  });
});
