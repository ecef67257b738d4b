/**
 * Non-interference: what a caller observes must not depend on a secret it is not authorised to
 * read. For each protected value (a field a caller is denied, or a subject it may not see, or a
 * consent record it has no grant for), the same observations are made before and after the
 * stored value is flipped directly in the database: a page of everything the caller may select,
 * the field itself, `customer(id)`, `me`, filters by email (old and new value), counts, errors,
 * and `explainAccess`. They must be identical, except where the field is legitimately visible in
 * masked or pseudonymised form: there the shown form may change, but the stored value (old or
 * new) never appears.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { accounts, consentEvents, profiles, visits } from "../../src/db/schema/index.js";
import type { Caller } from "../../src/policy/caller.js";
import { ceiling } from "../../src/policy/ceiling.js";
import { decide } from "../../src/policy/decide.js";
import { PSEUDONYM_PREFIX } from "../../src/policy/pseudonymize.js";
import type { Purpose } from "../../src/policy/purposes.js";
import { idScopeOf } from "../helpers/idScopes.js";
import type { TestGateway } from "../helpers/testGateway.js";
import { readableSelection } from "./support/selections.js";
import { walkResponse } from "./support/walk.js";
import {
  authHeaders,
  canariesIn,
  customerCaller,
  expectedVisible,
  startCanaryWorld,
  purposeEnum,
  rawKey,
  staffCaller,
  type World,
} from "./support/world.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

let gw: TestGateway;
let world: World;

beforeAll(async () => {
  ({ gw, world } = await startCanaryWorld());
});
afterAll(async () => {
  await gw?.close();
});

/** A secret: one stored value, how to flip it and put it back. */
interface Secret {
  caller: Caller;
  purpose: Purpose;
  subject: string;
  /** The field coordinate the secret surfaces as (or would), for the targeted queries. */
  coordinate: string;
  /** GraphQL selection under Customer reaching the coordinate. */
  path: string;
  /** The caller legitimately sees the field in masked or pseudonymised form. */
  shownMasked?: "mask" | "pseudonymize";
  /** Stored values before and after (for the "never the stored value" check). */
  oldValues: string[];
  newValues: string[];
  flip(): Promise<void>;
  restore(): Promise<void>;
}

interface Observation {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  status: number;
  body: any;
}

const EMAIL_FLIP = "flipped.cnryf1ip0001@example.org";

function emailOf(id: string): string {
  const email = [...(world.raw.get(rawKey(id, "Profile.email")) ?? [])][0];
  if (!email) throw new Error(`subject ${id} has no email`);
  return email;
}

/** The observations: every query a caller might use to learn something about the subject. */
async function observe(s: Secret): Promise<Observation[]> {
  const p = purposeEnum(s.purpose);
  const all = readableSelection(world.schema, world.dataMap, s.caller, s.purpose);
  const oldEmail = emailOf(s.subject);
  // The subject's id as this caller sends it (its id scope for the purpose).
  const id = idScopeOf(gw, s.caller, s.purpose).external(s.subject);
  const explainCoordinates = [
    s.coordinate,
    "Profile.email",
    "Profile.fullName",
    "Visit.userAgent",
    "Consent.recordedAt",
    "Customer.residency",
  ];
  const queries: Array<{ name: string; query: string; variables?: Record<string, unknown> }> = [
    {
      name: "page of everything readable",
      query: `query O @purpose(name: ${p}) { customers(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${all} } } } }`,
    },
    {
      name: "page of the field",
      query: `query O @purpose(name: ${p}) { customers(first: 50) { totalCount edges { node { id ${s.path} } } } }`,
    },
    { name: "the subject by id", query: `query O($id: ID!) @purpose(name: ${p}) { customer(id: $id) { ${all} } }`, variables: { id } },
    { name: "the field by id", query: `query O($id: ID!) @purpose(name: ${p}) { customer(id: $id) { id ${s.path} } }`, variables: { id } },
    {
      name: "filter by the old email",
      query: `query O($e: String) @purpose(name: ${p}) { customers(first: 50, filter: { email: $e }) { totalCount edges { node { id } } } }`,
      variables: { e: oldEmail },
    },
    {
      name: "filter by the new email",
      query: `query O($e: String) @purpose(name: ${p}) { customers(first: 50, filter: { email: $e }) { totalCount edges { node { id } } } }`,
      variables: { e: EMAIL_FLIP },
    },
    {
      name: "count in the subject's region",
      query: `query O($r: String) @purpose(name: ${p}) { customers(first: 1, filter: { residency: $r }) { totalCount } }`,
      variables: { r: world.customers.find((c) => c.id === s.subject)?.residency },
    },
    {
      name: "count of active subjects",
      query: `query O @purpose(name: ${p}) { customers(first: 1, filter: { status: ACTIVE }) { totalCount } }`,
    },
    ...explainCoordinates.map((coordinate) => ({
      name: `explainAccess ${coordinate}`,
      query: `query O($id: ID!, $c: String!) @purpose(name: ${p}) { explainAccess(subjectId: $id, coordinate: $c) { coordinate category purpose effect mask reasonCode reason } }`,
      variables: { id, c: coordinate },
    })),
  ];
  if (s.caller.kind === "customer") queries.push({ name: "me", query: `query O { me { ${all} } }` });
  const headers = await authHeaders(gw, s.caller, world.partners);
  const out: Observation[] = [];
  for (const q of queries) {
    const variables = q.variables ?? {};
    const res = await gw.post({ query: q.query, variables }, headers);
    // Errors come in resolution order, which a pooled PostgreSQL connection makes vary: compare them as a set.
    const body = res.body;
    if (Array.isArray(body?.errors)) {
      const key = (e: { path?: unknown; message?: string }) => `${JSON.stringify(e.path)} ${e.message}`;
      body.errors.sort((x: any, y: any) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
    }
    out.push({ name: q.name, query: q.query, variables, status: res.status, body });
  }
  return out;
}

/** The subject's cells of the secret's coordinate, replaced by a marker after checking them. */
function maskedCells(s: Secret, o: Observation, stored: string[]): Observation {
  const body = structuredClone(o.body);
  const problems: string[] = [];
  if (body?.data) {
    walkResponse(world.schema, parse(o.query), o.variables, body.data, {
      subjectOf: idScopeOf(gw, s.caller, s.purpose).internal,
      leaf: (leaf) => {
        if (leaf.subject !== s.subject || leaf.coordinate !== s.coordinate || leaf.value === null) return;
        const shown = Array.isArray(leaf.value) ? leaf.value.map(String) : [String(leaf.value)];
        for (const v of shown) {
          if (stored.includes(v)) problems.push(`${o.name}: ${leaf.path.join(".")} shows the stored value ${v}`);
          if (s.shownMasked === "pseudonymize" && !v.startsWith(PSEUDONYM_PREFIX)) problems.push(`${o.name}: ${v} is not a pseudonym`);
        }
        let target: any = body.data;
        for (const k of leaf.path.slice(0, -1)) target = target[k];
        target[leaf.path.at(-1) as string] = "<shown masked>";
      },
    });
  }
  expect(problems).toEqual([]);
  return { ...o, body };
}

async function expectNonInterference(s: Secret) {
  const storedTokens = [...s.oldValues, ...s.newValues].flatMap(canariesIn);
  const before = await observe(s);
  await s.flip();
  let after: Observation[];
  try {
    after = await observe(s);
  } finally {
    await s.restore();
  }
  const stored = [...s.oldValues, ...s.newValues];
  const views = (list: Observation[]) => (s.shownMasked ? list.map((o) => maskedCells(s, o, stored)) : list);
  const [b, a] = [views(before), views(after)];
  // The stored value (old or new) never appears to this caller, anywhere.
  for (const o of [...before, ...after]) {
    const text = JSON.stringify(o.body);
    for (const t of storedTokens) expect(text, `${o.name} shows ${t}`).not.toContain(t);
    for (const v of stored) expect(text, `${o.name} shows a stored value`).not.toContain(JSON.stringify(v));
  }
  for (let i = 0; i < b.length; i++) {
    const [x, y] = [b[i] as Observation, a[i] as Observation];
    expect({ status: y.status, body: y.body }, `observation "${x.name}" changed when the secret changed`).toEqual({
      status: x.status,
      body: x.body,
    });
  }
  // The observations were not vacuous: at least one of them read data.
  expect(
    before.some((o) => o.body?.data && Object.values(o.body.data).some((v) => v !== null)),
    "every observation failed",
  ).toBe(true);
}

// ---- secrets ------------------------------------------------------------------------------------

function pick(predicate: (id: string) => boolean, what: string): string {
  const found = world.customers.find((c) => predicate(c.id));
  if (!found) throw new Error(`the seed has no ${what}`);
  return found.id;
}

const state = (id: string) => world.states.get(id)!;

async function profileSecret(
  caller: Caller,
  purpose: Purpose,
  subject: string,
  column: "email" | "phone" | "fullName" | "addressLine1",
  coordinate: string,
  path: string,
  newValue: string,
  shownMasked?: Secret["shownMasked"],
): Promise<Secret> {
  const [row] = await gw.database.db.select().from(profiles).where(eq(profiles.customerId, subject));
  const old = row?.[column] ?? null;
  if (old === null) throw new Error(`${subject} has no ${column}`);
  return {
    caller,
    purpose,
    subject,
    coordinate,
    path,
    shownMasked,
    oldValues: [old],
    newValues: [newValue],
    flip: async () => {
      await gw.database.db
        .update(profiles)
        .set({ [column]: newValue })
        .where(eq(profiles.customerId, subject));
    },
    restore: async () => {
      await gw.database.db
        .update(profiles)
        .set({ [column]: old })
        .where(eq(profiles.customerId, subject));
    },
  };
}

/** The latest opt-out event of `purpose` for the subject: its date is what the reason would quote. */
async function optOutDateSecret(
  caller: Caller,
  purpose: Purpose,
  subject: string,
  optOutPurpose: string,
  coordinate: string,
  path: string,
): Promise<Secret> {
  const db = gw.database.db;
  const [event] = await db
    .select()
    .from(consentEvents)
    .where(and(eq(consentEvents.customerId, subject), eq(consentEvents.purpose, optOutPurpose), isNull(consentEvents.partnerId)))
    .orderBy(desc(consentEvents.recordedAt), desc(consentEvents.id))
    .limit(1);
  if (!event || event.granted) throw new Error(`${subject} has not opted out of ${optOutPurpose}`);
  const shifted = new Date(event.recordedAt.getTime() + 3 * 86_400_000);
  return {
    caller,
    purpose,
    subject,
    coordinate,
    path,
    oldValues: [],
    newValues: [],
    flip: async () => {
      await db.update(consentEvents).set({ recordedAt: shifted }).where(eq(consentEvents.id, event.id));
    },
    restore: async () => {
      await db.update(consentEvents).set({ recordedAt: event.recordedAt }).where(eq(consentEvents.id, event.id));
    },
  };
}

const marketing = () => staffCaller("marketing_analyst");
const support = () => staffCaller("support_agent");

describe("non-interference: flipping a protected stored value changes nothing the caller observes", () => {
  it("Profile.email, pseudonymised for marketing_analyst / advertising: only the pseudonym may change", async () => {
    const subject = pick(
      (id) => decide(DEFAULT_POLICY, marketing(), "advertising", "user.contact.email", state(id)).effect === "pseudonymize",
      "subject pseudonymised for advertising",
    );
    await expectNonInterference(
      await profileSecret(marketing(), "advertising", subject, "email", "Profile.email", "profile { email }", EMAIL_FLIP, "pseudonymize"),
    );
  });

  it("Profile.phone, denied to marketing_analyst / analytics (the operation is refused; nothing else moves)", async () => {
    expect(ceiling(DEFAULT_POLICY, marketing(), "analytics", "user.contact.phone_number").effect).toBe("deny");
    const subject = pick((id) => expectedVisible(world, marketing(), "analytics", id), "subject visible for analytics");
    await expectNonInterference(
      await profileSecret(marketing(), "analytics", subject, "phone", "Profile.phone", "profile { phone }", "+44 20 7946 0999"),
    );
  });

  it("Profile.email of a subject who opted out of marketing, for marketing_analyst / marketing", async () => {
    const subject = pick(
      (id) => decide(DEFAULT_POLICY, marketing(), "marketing", "user.contact.email", state(id)).reason.code === "OPTED_OUT",
      "subject opted out of marketing",
    );
    await expectNonInterference(
      await profileSecret(marketing(), "marketing", subject, "email", "Profile.email", "profile { email }", EMAIL_FLIP),
    );
  });

  it("Profile.fullName of a subject who objected to research, for marketing_analyst / research", async () => {
    const subject = pick((id) => state(id).objections.has("research") && state(id).status === "active", "objector");
    expect(expectedVisible(world, marketing(), "research", subject)).toBe(false);
    await expectNonInterference(
      await profileSecret(
        marketing(),
        "research",
        subject,
        "fullName",
        "Profile.fullName",
        "profile { fullName }",
        "Flip cnryf1ip0002 Name",
      ),
    );
  });

  it("Profile.email of a restricted subject, for support_agent / customer_support", async () => {
    const subject = pick((id) => state(id).status === "restricted", "restricted subject");
    await expectNonInterference(
      await profileSecret(support(), "customer_support", subject, "email", "Profile.email", "profile { email }", EMAIL_FLIP),
    );
  });

  it("PostalAddress.line1, masked for support_agent / customer_support: shown only as its mask", async () => {
    const subject = pick(
      (id) => decide(DEFAULT_POLICY, support(), "customer_support", "user.contact.address", state(id)).effect === "mask",
      "subject visible to support",
    );
    await expectNonInterference(
      await profileSecret(
        support(),
        "customer_support",
        subject,
        "addressLine1",
        "PostalAddress.line1",
        "profile { address { line1 city } }",
        "1 Flip Street cnryf1ip0003",
        "mask",
      ),
    );
  });

  it("Account.accountNumber, masked (last four) for support_agent / customer_support: the mask may change, the number never shows", async () => {
    const subject = pick(
      (id) =>
        decide(DEFAULT_POLICY, support(), "customer_support", "user.unique_id.account_number", state(id)).effect === "mask" &&
        (world.raw.get(rawKey(id, "Account.accountNumber"))?.size ?? 0) > 0,
      "subject with an account visible to support",
    );
    const db = gw.database.db;
    const rows = await db.select().from(accounts).where(eq(accounts.customerId, subject));
    const numbered = rows.filter((r) => r.accountNumber !== null);
    await expectNonInterference({
      caller: support(),
      purpose: "customer_support",
      subject,
      coordinate: "Account.accountNumber",
      path: "accounts { id accountNumber }",
      shownMasked: "mask",
      oldValues: numbered.map((r) => r.accountNumber as string),
      newValues: numbered.map((_, i) => `SHOP-XX-cnryf1ip01${i}0-77777${i}`),
      flip: async () => {
        for (const [i, r] of numbered.entries())
          await db
            .update(accounts)
            .set({ accountNumber: `SHOP-XX-cnryf1ip01${i}0-77777${i}` })
            .where(eq(accounts.id, r.id));
      },
      restore: async () => {
        for (const r of numbered) await db.update(accounts).set({ accountNumber: r.accountNumber }).where(eq(accounts.id, r.id));
      },
    });
  });

  it("Visit.userAgent of a subject who never opted in, for the third-party partner / advertising", async () => {
    const partner = world.partners.find((p) => p.kind === "third_party")!;
    const subject = pick(
      (id) =>
        !expectedVisible(world, partner.caller, "advertising", id) &&
        state(id).status === "active" &&
        (world.raw.get(rawKey(id, "Visit.userAgent"))?.size ?? 0) > 0,
      "subject hidden from the third party",
    );
    const db = gw.database.db;
    const rows = await db.select().from(visits).where(eq(visits.customerId, subject));
    await expectNonInterference({
      caller: partner.caller,
      purpose: "advertising",
      subject,
      coordinate: "Visit.userAgent",
      path: "visits(first: 50) { id userAgent }",
      oldValues: rows.flatMap((r) => (r.userAgent ? [r.userAgent] : [])),
      newValues: ["Flip/1.0 cnryf1ip0004"],
      flip: async () => {
        await db.update(visits).set({ userAgent: "Flip/1.0 cnryf1ip0004" }).where(eq(visits.customerId, subject));
      },
      restore: async () => {
        for (const r of rows) await db.update(visits).set({ userAgent: r.userAgent }).where(eq(visits.id, r.id));
      },
    });
  });

  it("Profile.email of another customer, for a customer / account_management", async () => {
    const me = pick((id) => state(id).status === "active", "active customer");
    const other = pick((id) => id !== me && state(id).status === "active", "second active customer");
    await expectNonInterference(
      await profileSecret(customerCaller(me), "account_management", other, "email", "Profile.email", "profile { email }", EMAIL_FLIP),
    );
  });
});

describe("non-interference: consent records a caller may not read", () => {
  // The date of an opt-out is a consent record (Consent.recordedAt, user.privacy_preferences).
  // The third party's grant does not cover that category at all, and the subject never opted in
  // to sharing with it; the marketing analyst may not see an opted-out subject at all.
  it("the date a subject opted out of advertising, for the third-party partner (no opt-in, no grant for consents)", async () => {
    const partner = world.partners.find((p) => p.kind === "third_party")!;
    const subject = pick(
      (id) => state(id).optOuts.has("advertising") && !state(id).partnerOptIns.has(partner.partnerId),
      "advertising opt-out without a third-party opt-in",
    );
    await expectNonInterference(
      await optOutDateSecret(
        partner.caller,
        "advertising",
        subject,
        "advertising",
        "Visit.userAgent",
        "visits(first: 50) { id userAgent }",
      ),
    );
  });

  it("the date a subject opted out of marketing, for marketing_analyst / marketing (the subject is hidden from it)", async () => {
    const subject = pick(
      (id) => decide(DEFAULT_POLICY, marketing(), "marketing", "user.contact.email", state(id)).reason.code === "OPTED_OUT",
      "subject opted out of marketing",
    );
    await expectNonInterference(
      await optOutDateSecret(marketing(), "marketing", subject, "marketing", "Profile.email", "profile { email }"),
    );
  });
});

describe("non-interference: whether a hidden subject exists at all", () => {
  /** What a caller gets for a subject id: the answers must not tell a hidden subject from no subject. */
  async function probe(caller: Caller, purpose: Purpose, id: string) {
    const headers = await authHeaders(gw, caller, world.partners);
    const p = purposeEnum(purpose);
    const byId = await gw.post(
      { query: `query O($id: ID!) @purpose(name: ${p}) { customer(id: $id) { id status residency } }`, variables: { id } },
      headers,
    );
    const explain = await gw.post(
      {
        query: `query O($id: ID!) @purpose(name: ${p}) { explainAccess(subjectId: $id, coordinate: "Customer.residency") { effect reasonCode reason } }`,
        variables: { id },
      },
      headers,
    );
    const strip = (body: any) => JSON.parse(JSON.stringify(body).replaceAll(id, "<id>"));
    return {
      customer: { status: byId.status, body: strip(byId.body) },
      explainAccess: { status: explain.status, body: strip(explain.body) },
    };
  }

  function hiddenFrom(caller: Caller, purpose: Purpose, what: string) {
    return pick((id) => state(id).status === "active" && !expectedVisible(world, caller, purpose, id), what);
  }

  it("customer(id) answers a hidden subject exactly as an unknown id", async () => {
    const third = world.partners.find((p) => p.kind === "third_party")!.caller;
    const optedOut = pick(
      (id) => decide(DEFAULT_POLICY, marketing(), "marketing", "user.contact.email", state(id)).reason.code === "OPTED_OUT",
      "opted-out subject",
    );
    for (const [caller, purpose, subject] of [
      [third, "advertising", hiddenFrom(third, "advertising", "subject hidden from the third party")],
      [marketing(), "marketing", optedOut],
    ] as const) {
      const [hidden, unknown] = [await probe(caller, purpose, subject), await probe(caller, purpose, randomUUID())];
      expect(hidden.customer).toEqual(unknown.customer);
    }
  });

  it("explainAccess answers a hidden subject exactly as an unknown id (no existence, opt-out or residency oracle)", async () => {
    const third = world.partners.find((p) => p.kind === "third_party")!.caller;
    const affiliate = world.partners.find((p) => p.kind === "affiliate")!.caller;
    const optedOut = pick(
      (id) => decide(DEFAULT_POLICY, marketing(), "marketing", "user.contact.email", state(id)).reason.code === "OPTED_OUT",
      "opted-out subject",
    );
    const differences: string[] = [];
    for (const [label, caller, purpose, subject] of [
      [
        "third-party partner, subject without opt-in",
        third,
        "advertising",
        hiddenFrom(third, "advertising", "subject hidden from the third party"),
      ],
      [
        "affiliate, subject without opt-in",
        affiliate,
        "marketing",
        hiddenFrom(affiliate, "marketing", "subject hidden from the affiliate"),
      ],
      ["marketing_analyst, subject opted out of marketing", marketing(), "marketing", optedOut],
    ] as const) {
      const [hidden, unknown] = [await probe(caller, purpose, subject), await probe(caller, purpose, randomUUID())];
      if (JSON.stringify(hidden.explainAccess) !== JSON.stringify(unknown.explainAccess)) {
        differences.push(
          `${label}: hidden subject -> ${JSON.stringify(hidden.explainAccess.body)}; unknown id -> ${JSON.stringify(unknown.explainAccess.body)}`,
        );
      }
    }
    expect(differences).toEqual([]);
  });
});
