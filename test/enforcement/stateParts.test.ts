import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customers, subjectRequests } from "../../src/db/schema/index.js";
import { loadSubjectStates } from "../../src/enforcement/subjectStateQueries.js";
import { ALL_STATE_PARTS, type StateParts } from "../../src/policy/index.js";
import { prunedState } from "../helpers/prunedState.js";
import { subjectWithStatus } from "../helpers/subjects.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ customers: 150, seed: 11 });
});
afterAll(async () => {
  await gw?.close();
});

const ALL_COMBINATIONS: StateParts[] = Array.from({ length: 32 }, (_, bits) => ({
  optOuts: (bits & 1) !== 0,
  objections: (bits & 2) !== 0,
  verifiedRequest: (bits & 4) !== 0,
  partnerOptIns: (bits & 8) !== 0,
  partnerLinks: (bits & 16) !== 0,
}));

/**
 * A request selects only the state parts its purpose consults (src/policy/stateParts.ts; that
 * decide ignores the others is proved in test/policy/decide.properties.test.ts). Here: what the
 * narrower SQL brings is exactly the whole state with the other parts emptied, and a decision for
 * another purpose (explainAccess) still reads the whole state.
 */
describe("subject state parts", () => {
  it("each combination of parts loads exactly the whole state with the other parts emptied", async () => {
    const ids = (await gw.database.db.select({ id: customers.id }).from(customers)).map((c) => c.id);
    const whole = await loadSubjectStates(gw.database.db, ids, ALL_STATE_PARTS);
    // The seed must hold every part, or the comparison would prove nothing.
    const states = [...whole.values()];
    expect(states.some((s) => s.optOuts.size > 0)).toBe(true);
    expect(states.some((s) => s.objections.size > 0)).toBe(true);
    expect(states.some((s) => s.verifiedRequest)).toBe(true);
    expect(states.some((s) => s.partnerOptIns.size > 0)).toBe(true);
    expect(states.some((s) => s.linkedPartners.size > 0)).toBe(true);
    for (const parts of ALL_COMBINATIONS) {
      const loaded = await loadSubjectStates(gw.database.db, ids, parts);
      expect([...loaded.entries()], JSON.stringify(parts)).toEqual([...whole.entries()].map(([id, s]) => [id, prunedState(s, parts)]));
    }
  });

  it("explainAccess for another purpose reads the whole state, not the parts the request's own purpose loaded", async () => {
    // LEGAL_COMPLIANCE consults no verified request, so its reads of a customer row bring none;
    // SUBJECT_REQUEST needs one open for the subject to be visible at all.
    const subjectId = await subjectWithStatus(gw.database.db, "active");
    await gw.database.db
      .insert(subjectRequests)
      .values({ customerId: subjectId, kind: "access", state: "verified", dueAt: new Date(Date.now() + 30 * 86_400_000) });
    const headers = bearer(await gw.token("privacy_officer"));
    const explain = (purpose: string) =>
      gw.post(
        {
          query: `query Q @purpose(name: ${purpose}) {
      customer(id: "${subjectId}") { id }
      explainAccess(coordinate: "Profile.email", subjectId: "${subjectId}", purpose: SUBJECT_REQUEST) { effect reasonCode }
    }`,
        },
        headers,
      );
    const [asLegal, asRequest] = [await explain("LEGAL_COMPLIANCE"), await explain("SUBJECT_REQUEST")];
    expect(asLegal.body.errors).toBeUndefined();
    expect(asLegal.body.data.explainAccess.effect).not.toBe("DENY");
    expect(asLegal.body.data.explainAccess).toEqual(asRequest.body.data.explainAccess);
  });
});
