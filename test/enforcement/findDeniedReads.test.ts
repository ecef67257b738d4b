/**
 * findDeniedReads keeps its answer with the operation's reads and the policy, by the caller's
 * audience and the purpose (partners excepted: their grants differ). Generated sequences of
 * callers and purposes over the same reads: every answer equals the one computed afresh (a copy
 * of the reads, which nothing was kept with). Keying on less than what the answer depends on
 * (the purpose alone, say) fails this.
 */
import fc from "fast-check";
import "reflect-metadata";
import { beforeAll, describe, expect, it } from "vitest";
import type { OperationReads } from "../../src/enforcement/collectOperationReads.js";
import { type DataMap, getDataMap } from "../../src/enforcement/dataMap.js";
import { findDeniedReads } from "../../src/enforcement/findDeniedReads.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { type Caller, DEFAULT_POLICY, type Grant, PURPOSES, STAFF_ROLES } from "../../src/policy/index.js";

let dataMap: DataMap;
let reads: OperationReads;
beforeAll(async () => {
  dataMap = getDataMap(await buildGatewaySchema());
  // Every personal coordinate read and every personal input set: the widest operation.
  reads = { fields: new Set(dataMap.fields.keys()), inputs: new Set(dataMap.inputs.keys()), dependOnVariables: false };
});

const grant = (categories: string[]): Grant => ({
  id: `g-${categories.join(",")}`,
  purposes: [...PURPOSES],
  categories,
  subjectScope: "all",
  regions: ["EU"],
  transferBasis: null,
  validFrom: new Date(0),
  validUntil: new Date(8.64e15),
});
const callerArb: fc.Arbitrary<Caller> = fc.oneof(
  fc.constant<Caller>({ kind: "anonymous" }),
  fc.uuid().map((customerId): Caller => ({ kind: "customer", customerId })),
  fc.constantFrom(...STAFF_ROLES).map((role): Caller => ({ kind: "staff", staffId: "s", role })),
  fc.subarray(["user.name", "user.contact", "user.behavior", "user.financial"]).map(
    (categories): Caller => ({
      kind: "partner",
      partnerId: "p",
      partnerKind: "affiliate",
      partnerRegion: "EU",
      keyId: "k",
      grant: grant(categories),
    }),
  ),
);

describe("findDeniedReads, kept per reads, policy, audience and purpose", () => {
  it("answers as computed afresh, whatever came before", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(callerArb, fc.constantFrom(...PURPOSES)), { minLength: 1, maxLength: 30 }), (calls) => {
        for (const [caller, purpose] of calls) {
          const fresh = findDeniedReads({ ...reads }, dataMap, DEFAULT_POLICY, caller, purpose);
          expect(findDeniedReads(reads, dataMap, DEFAULT_POLICY, caller, purpose)).toEqual(fresh);
        }
      }),
      { seed: 2612, numRuns: 60 },
    );
  });
});
