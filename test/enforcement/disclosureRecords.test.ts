/**
 * disclosureRecords shares the outcome lists of alike records across requests: the same outcomes
 * give the very same (frozen) arrays whichever request asks, other outcomes or another data map
 * give their own, and each record still lists exactly its subject's outcomes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PersonalField } from "../../src/enforcement/dataMap.js";
import { disclosureRecords } from "../../src/enforcement/disclosureRecords.js";
import { FieldOutcomes, OUTCOMES, type Outcome } from "../../src/enforcement/FieldOutcomes.js";
import type { GatewayContext } from "../../src/graphql/context.js";

const COORDINATES = ["Account.accountNumber", "Profile.email", "Profile.fullName", "Profile.phone", "Visit.ipAddress"];

/** A request's context as disclosureRecords reads it. */
function contextOf(requestId: string, coordinates: readonly string[]): GatewayContext {
  return {
    requestId,
    caller: { kind: "staff", staffId: "s-1", role: "support_agent" },
    enforcement: {
      purpose: "customer_support",
      policy: { version: "2026-11-01" },
      dataMap: { coordinates },
      subjectRequestFor: () => null,
    },
  } as unknown as GatewayContext;
}

const fieldAt = (slot: number): PersonalField => ({ slot, coordinate: COORDINATES[slot]! }) as PersonalField;

/** Outcomes per subject: a list of (slot, outcome) a subject's cells had. */
const subjectOutcomes = fc.array(fc.tuple(fc.integer({ min: 0, max: COORDINATES.length - 1 }), fc.constantFrom(...OUTCOMES)), {
  maxLength: 6,
});

function disclosuresOf(subjects: Array<Array<[number, Outcome]>>): Map<string, FieldOutcomes> {
  return new Map(
    subjects.map((cells, i) => {
      const outcomes = new FieldOutcomes(COORDINATES.length);
      for (const [slot, outcome] of cells) outcomes.record(fieldAt(slot), outcome);
      return [`00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, outcomes];
    }),
  );
}

describe("disclosureRecords' shared outcome lists", () => {
  it("lists exactly each subject's outcomes, and alike subjects of any request hold the very same frozen arrays", () => {
    fc.assert(
      fc.property(fc.array(subjectOutcomes, { minLength: 1, maxLength: 8 }), (subjects) => {
        const first = disclosureRecords(contextOf("r-1", COORDINATES), disclosuresOf(subjects));
        const second = disclosureRecords(contextOf("r-2", COORDINATES), disclosuresOf(subjects));
        subjects.forEach((cells, i) => {
          for (const outcome of OUTCOMES) {
            const expected = [...new Set(cells.filter(([, o]) => o === outcome).map(([slot]) => COORDINATES[slot]!))].sort();
            expect(first[i]![outcome]).toEqual(expected);
            expect(second[i]![outcome]).toBe(first[i]![outcome]);
            expect(Object.isFrozen(first[i]![outcome])).toBe(true);
          }
        });
        // Subjects with different outcomes never share a list object they should not.
        for (const a of first) {
          for (const b of first) {
            if (JSON.stringify(OUTCOMES.map((o) => a[o])) !== JSON.stringify(OUTCOMES.map((o) => b[o])))
              expect(a.disclosed === b.disclosed && a.masked === b.masked).toBe(false);
          }
        }
      }),
      { numRuns: 200, seed: 1205 },
    );
  });

  it("keeps another data map's lists apart, though the bits are the same", () => {
    const other = COORDINATES.map((c) => `Other${c}`);
    const subjects: Array<Array<[number, Outcome]>> = [
      [
        [1, "disclosed"],
        [4, "masked"],
      ],
    ];
    const mine = disclosureRecords(contextOf("r-1", COORDINATES), disclosuresOf(subjects));
    const theirs = disclosureRecords(contextOf("r-2", other), disclosuresOf(subjects));
    expect(mine[0]!.disclosed).toEqual(["Profile.email"]);
    expect(theirs[0]!.disclosed).toEqual(["OtherProfile.email"]);
    expect(theirs[0]!.masked).toEqual(["OtherVisit.ipAddress"]);
  });
});
