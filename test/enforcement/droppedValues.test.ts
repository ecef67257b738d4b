import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXECUTIONS } from "../../src/server/config.js";
import { recordsOfAnswer } from "../helpers/recordsOfAnswer.js";
import { subjectWithStatus } from "../helpers/subjects.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

describe.each(EXECUTIONS)("values an error dropped from the answer (%s)", (execution) => {
  let gw: TestGateway;
  let legal: Record<string, string>;
  let subject: string;
  beforeAll(async () => {
    gw = await startTestGateway({ customers: 12, env: { EXECUTION: execution } });
    legal = { ...bearer(await gw.token("legal", "legal-1")), "x-purpose": "legal_compliance" };
    subject = await subjectWithStatus(gw.database.db, "active");
  });
  afterAll(async () => {
    await gw?.close();
  });

  const recorded = async (res: { headers: Headers }) => new Map((await recordsOfAnswer(gw, res)).map((r) => [r.customerId, r.disclosed]));

  it("a subject's values nulled with it by a failing field beside them are not recorded; its identification is", async () => {
    const res = await gw.post(
      { query: `{ c: customer(id: "${subject}") { p: profile { e: email fullName } d: disclosures(first: -5) { id } } }` },
      legal,
    );
    expect(res.body.data).toEqual({ c: null });
    expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(["BAD_USER_INPUT"]);
    expect([...(await recorded(res))]).toEqual([[subject, ["Customer.id"]]]);
  });

  it.runIf(execution === "jit")(
    "an answer an error emptied still records the subjects it found by id (its errors can tell them apart from unknown ids)",
    async () => {
      // Compiled execution completes every root field, so the answer tells which id was found (no
      // NOT_FOUND at `a`); graphql-js stops at the first failure, and what it tells depends on timing.
      const res = await gw.post({ query: `{ a: customer(id: "${subject}") { id } z: customers(first: 0) { totalCount } }` }, legal);
      expect(res.body.data).toBeNull();
      expect(res.body.errors.map((e: { path: string[] }) => e.path)).toEqual([["z"]]);
      expect([...(await recorded(res))]).toEqual([[subject, ["Customer.id"]]]);
    },
  );

  it("values that stay in the answer are recorded, aliased, beside a field that failed", async () => {
    const res = await gw.post(
      {
        query: `{ c: customer(id: "${subject}") { p: profile { e: email n: fullName } } gone: customer(id: "00000000-0000-4000-8000-000000000000") { id } }`,
      },
      legal,
    );
    expect(res.body.data.gone).toBeNull();
    expect(res.body.data.c.p.e).toEqual(expect.any(String));
    expect((await recorded(res)).get(subject)).toEqual(["Customer.id", "Profile.email", "Profile.fullName"]);
  });
});
