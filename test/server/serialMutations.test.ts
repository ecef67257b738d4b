/**
 * A mutation's root fields run one after another, and stop at the first that fails where null is
 * not allowed (the specification's serial execution): a change after it is not made, under either
 * execution. The answer (`data: null`, one error) tells the client that nothing after the failure
 * happened, and that must be true.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXECUTIONS } from "../../src/server/config.js";
import { customer, plainSubjects } from "../dsr/support.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";

describe.each(EXECUTIONS)("a mutation whose first field fails (%s)", (execution) => {
  let gw: TestGateway;
  let subject: string;
  beforeAll(async () => {
    gw = await startTestGateway({ customers: 12, env: { EXECUTION: execution } });
    [subject] = (await plainSubjects(gw.database.db)) as [string];
  });
  afterAll(async () => {
    await gw?.close();
  });

  const consentOf = async (purpose: string) => {
    const res = await gw.post({ query: `{ me { consents { purpose granted } } }` }, await customer(gw, subject));
    return (res.body.data.me.consents as { purpose: string; granted: boolean }[]).find((c) => c.purpose === purpose)?.granted ?? null;
  };

  it("makes none of the changes after the failure", async () => {
    const headers = await customer(gw, subject);
    await gw.post({ query: `mutation { setConsent(purpose: MARKETING, granted: false) { granted } }` }, headers);
    expect(await consentOf("marketing")).toBe(false);
    const res = await gw.post(
      {
        query: `mutation { liftObjection(purpose: ANALYTICS) { granted } setConsent(purpose: MARKETING, granted: true) { granted } updateMyProfile(input: { displayName: "Changed" }) { displayName } }`,
      },
      headers,
    );
    expect(res.body.data).toBeNull();
    expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(["NOT_FOUND"]);
    expect(await consentOf("marketing")).toBe(false);
    const profile = await gw.post({ query: `{ me { profile { displayName } } }` }, headers);
    expect(profile.body.data.me.profile.displayName).not.toBe("Changed");
  });
});
