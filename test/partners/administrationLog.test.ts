import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partnerAdminEvents, partnerGrants } from "../../src/db/schema/index.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { admin } from "./support.js";

/**
 * Every change the privacy office makes to a partner's access is recorded with the change, in the
 * same transaction: what, on what, by whom, when. A refused change leaves no event; an event that
 * cannot be written leaves no change.
 */

let gw: TestGateway;
let po: ReturnType<typeof admin>;
const OFFICER = "privacy-office-test"; // the staff id support.ts's admin() signs in as

beforeAll(async () => {
  gw = await startTestGateway({ customers: 5 });
  po = admin(gw);
});
afterAll(async () => {
  await gw?.close();
});

const LOG = `query Log($id: ID!) { partnerAdministration(partnerId: $id) { id partnerId action target actorId note at } }`;

async function log(partnerId: string) {
  return (await po.ok(LOG, { id: partnerId })).partnerAdministration as {
    partnerId: string;
    action: string;
    target: string | null;
    actorId: string;
    note: string | null;
    at: string;
  }[];
}

async function eventCount(): Promise<number> {
  const [row] = await gw.database.db.select({ n: count() }).from(partnerAdminEvents);
  return row!.n;
}

describe("the partner administration log", () => {
  it("records each change once, in order, with its target and the officer who made it", async () => {
    const partnerId = await po.createPartner({ kind: "SERVICE_PROVIDER", region: "EU" });
    const { keyId } = await po.issueKey(partnerId);
    const grant = await po.createGrant(partnerId, { purposes: ["CUSTOMER_SUPPORT"], categories: ["user.name"], regions: ["EU"] });
    const document = "query Names @purpose(name: CUSTOMER_SUPPORT) { me { id } }";
    const registered = (
      await po.ok(
        `mutation Register($input: RegisterPersistedOperationInput!) {
      registerPersistedOperation(input: $input) { sha256Hash } }`,
        { input: { partnerId, document } },
      )
    ).registerPersistedOperation;
    await po.ok("mutation Only($id: ID!) { setPersistedOperationsOnly(partnerId: $id, enabled: true) { id } }", { id: partnerId });
    await po.ok("mutation RevokeOp($id: ID!, $h: String!) { revokePersistedOperation(partnerId: $id, sha256Hash: $h) { sha256Hash } }", {
      id: partnerId,
      h: registered.sha256Hash,
    });
    await po.revokeGrant(grant.id);
    await po.revokeKey(keyId);

    const events = await log(partnerId);
    expect(events.map((e) => [e.action, e.target, e.note])).toEqual([
      ["PARTNER_CREATED", null, null],
      ["API_KEY_ISSUED", keyId, null],
      ["GRANT_CREATED", grant.id, null],
      ["PERSISTED_OPERATION_REGISTERED", registered.sha256Hash, null],
      ["PERSISTED_OPERATIONS_ONLY_SET", null, "ENABLED"],
      ["PERSISTED_OPERATION_REVOKED", registered.sha256Hash, null],
      ["GRANT_REVOKED", grant.id, null],
      ["API_KEY_REVOKED", keyId, null],
    ]);
    expect(new Set(events.map((e) => e.actorId))).toEqual(new Set([OFFICER]));
    expect(events.every((e) => e.partnerId === partnerId)).toBe(true);
    // Oldest first, by the database's clock.
    const times = events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("says when a revocation found nothing to revoke", async () => {
    const partnerId = await po.createPartner({ kind: "AFFILIATE", region: "EU" });
    const grant = await po.createGrant(partnerId, { purposes: ["CUSTOMER_SUPPORT"], categories: ["user.name"], regions: ["EU"] });
    await po.revokeGrant(grant.id);
    await po.revokeGrant(grant.id);
    const revocations = (await log(partnerId)).filter((e) => e.action === "GRANT_REVOKED");
    expect(revocations.map((e) => e.note)).toEqual([null, "ALREADY_REVOKED"]);
  });

  it("records nothing for a refused change: bad input, an unknown partner, or a caller who is not the privacy office", async () => {
    const partnerId = await po.createPartner({ kind: "AFFILIATE", region: "UK" });
    const before = await eventCount();
    const badGrant = await po.run(`mutation Grant($input: CreateGrantInput!) { createGrant(input: $input) { id } }`, {
      input: {
        partnerId,
        purposes: [],
        categories: ["user.name"],
        subjectScope: "ALL",
        regions: ["UK"],
        transferBasis: null,
        validFrom: new Date().toISOString(),
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
        requestsPerMinute: 10,
      },
    });
    expect(badGrant.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const unknown = await po.run("mutation Issue($id: ID!) { issueApiKey(partnerId: $id) { apiKey } }", {
      id: "00000000-0000-4000-8000-000000000000",
    });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const agent = await gw.post(
      {
        query: `mutation Issue($id: ID!) @purpose(name: LEGAL_COMPLIANCE) { issueApiKey(partnerId: $id) { apiKey } }`,
        variables: { id: partnerId },
      },
      bearer(await gw.token("support_agent")),
    );
    expect(agent.body.data?.issueApiKey ?? null).toBeNull();
    expect(await eventCount()).toBe(before);
  });

  it("is read by the privacy office only", async () => {
    const partnerId = await po.createPartner({ kind: "AFFILIATE", region: "EU" });
    const res = await gw.post(
      { query: LOG.replace("query Log($id: ID!)", "query Log($id: ID!) @purpose(name: LEGAL_COMPLIANCE)"), variables: { id: partnerId } },
      bearer(await gw.token("support_agent")),
    );
    expect(res.body.data?.partnerAdministration ?? null).toBeNull();
    expect(["FORBIDDEN", "PURPOSE_NOT_ALLOWED"]).toContain(res.body.errors[0].extensions.code);
  });

  it("leaves no change when its event cannot be written (one transaction)", async () => {
    const partnerId = await po.createPartner({ kind: "SERVICE_PROVIDER", region: "EU" });
    const grant = await po.createGrant(partnerId, { purposes: ["CUSTOMER_SUPPORT"], categories: ["user.name"], regions: ["EU"] });
    const db = gw.database.db;
    await db.execute(
      sql`create function refuse_admin_event() returns trigger language plpgsql as $$ begin raise exception 'audit unavailable'; end $$`,
    );
    await db.execute(
      sql`create trigger refuse_admin_event before insert on partner_admin_events for each row execute function refuse_admin_event()`,
    );
    try {
      const res = await po.run("mutation RevokeGrant($id: ID!) { revokeGrant(grantId: $id) { id revokedAt } }", { id: grant.id });
      expect(res.body.data?.revokeGrant ?? null).toBeNull();
      expect(res.body.errors?.length).toBeGreaterThan(0);
    } finally {
      await db.execute(sql`drop trigger refuse_admin_event on partner_admin_events`);
      await db.execute(sql`drop function refuse_admin_event()`);
    }
    const [row] = await db.select({ revokedAt: partnerGrants.revokedAt }).from(partnerGrants).where(eq(partnerGrants.id, grant.id));
    expect(row!.revokedAt).toBeNull();
    expect((await log(partnerId)).map((e) => e.action)).toEqual(["PARTNER_CREATED", "GRANT_CREATED"]);
  });
});
