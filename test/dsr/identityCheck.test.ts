import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, disclosureLog, profiles, subjectRequestEvents } from "../../src/db/schema/index.js";
import { queryRows } from "../helpers/queryRows.js";
import { startTestGateway, type TestGateway } from "../helpers/testGateway.js";
import { act, CHECK_IDENTITY, customer, FILE_OWN, fileFor, officer, ONE, plainSubjects, staff } from "./support.js";

/** The privacy office checks a requester's claims against what is held: match or not per claim, never the held value. */

let gw: TestGateway;
let subjects: string[];
beforeAll(async () => {
  gw = await startTestGateway({ customers: 60, seed: 29 });
  subjects = await plainSubjects(gw.database.db);
  expect(subjects.length).toBeGreaterThan(20);
});
afterAll(async () => {
  await gw?.close();
});

type Held = { name: string | null; email: string | null; phone: string | null; numbers: string[] };
async function heldOf(subject: string): Promise<Held> {
  const [p] = await gw.database.db.select().from(profiles).where(eq(profiles.customerId, subject));
  const numbers = (await gw.database.db.select({ n: accounts.accountNumber }).from(accounts).where(eq(accounts.customerId, subject)))
    .map((a) => a.n)
    .filter((n): n is string => n !== null);
  return { name: p?.fullName ?? null, email: p?.email ?? null, phone: p?.phone ?? null, numbers };
}

const check = async (id: string, claims: Record<string, string | null>, headers?: Record<string, string>) =>
  (await gw.post({ query: CHECK_IDENTITY, variables: { id, c: claims } }, headers ?? (await officer(gw)))).body;
const notesOf = async (id: string) =>
  (await gw.post({ query: ONE, variables: { id } }, await officer(gw))).body.data.subjectRequest.events.map(
    (e: { note: string }) => e.note,
  );

describe("checking a requester's identity", () => {
  it("answers per claim, records outcomes only, and verification of an office-filed request needs a passed check", async () => {
    const s = subjects[0]!;
    const held = await heldOf(s);
    expect(held.email && held.phone && held.name && held.numbers.length).toBeTruthy();
    const id = await fileFor(gw, s, "ACCESS");

    const unchecked = await act(gw, "verify", id);
    expect(unchecked.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "IDENTITY_NOT_CHECKED" });

    const wrong = await check(id, { email: `x${held.email}`, name: held.name });
    expect(wrong.errors).toBeUndefined();
    expect(wrong.data.checkSubjectRequestIdentity).toMatchObject({
      requestId: id,
      email: "NO_MATCH",
      name: "MATCH",
      phone: null,
      accountLastFour: null,
      passed: false,
      checksLeft: 4,
    });
    expect((await act(gw, "verify", id)).errors[0].extensions.reason).toBe("IDENTITY_NOT_CHECKED");

    // normalised: case and spacing of the email and name, the phone's punctuation, an account's last four
    const phone = held.phone!.replace(/\D/g, "").split("").join(" ");
    const right = await check(id, {
      email: `  ${held.email!.toUpperCase()} `,
      name: held.name!.toLowerCase().replace(/ /g, "   "),
      phone,
      accountLastFour: held.numbers[0]!.slice(-4),
    });
    expect(right.data.checkSubjectRequestIdentity).toMatchObject({
      email: "MATCH",
      name: "MATCH",
      phone: "MATCH",
      accountLastFour: "MATCH",
      passed: true,
      checksLeft: 3,
    });
    expect(JSON.stringify(right)).not.toContain(held.email!);

    const verified = await act(gw, "verify", id);
    expect(verified.errors).toBeUndefined();
    expect(await notesOf(id)).toEqual([
      "FILED",
      "IDENTITY_CHECK:name=MATCH,email=NO_MATCH",
      "IDENTITY_CHECK:name=MATCH,email=MATCH,phone=MATCH,accountLastFour=MATCH",
      "IDENTITY_VERIFIED:CHECK_PASSED",
    ]);
    // checked once verified: no
    expect((await check(id, { email: held.email })).errors[0].extensions.reason).toBe("NOT_RECEIVED");

    // each check is a disclosure of the fields compared, by the office under subject_request, tagged with the request
    const records = await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.customerId, s));
    expect(records).toHaveLength(2);
    for (const r of records)
      expect(r).toMatchObject({ callerKind: "staff", role: "privacy_officer", purpose: "subject_request", subjectRequestId: id });
    expect(records.map((r) => [...r.disclosed].sort())).toEqual(
      expect.arrayContaining([
        ["Profile.email", "Profile.fullName"],
        ["Account.accountNumber", "Profile.email", "Profile.fullName", "Profile.phone"],
      ]),
    );
  });

  it("a request the signed-in subject filed is verified on their authentication; a claim with nothing held is NOT_ON_FILE", async () => {
    const s = subjects[1]!;
    const filed = await gw.post({ query: FILE_OWN, variables: { k: "PORTABILITY" } }, await customer(gw, s));
    const id = filed.body.data.fileSubjectRequest.id;
    await gw.database.db.update(profiles).set({ phone: null }).where(eq(profiles.customerId, s));
    const res = await check(id, { phone: "+1 555 0100" });
    expect(res.data.checkSubjectRequestIdentity).toMatchObject({ phone: "NOT_ON_FILE", passed: false });
    expect((await act(gw, "verify", id)).errors).toBeUndefined();
    expect((await notesOf(id)).at(-1)).toBe("IDENTITY_VERIFIED:AUTHENTICATED");
  });

  it(`allows five checks per request, then refuses with RATE_LIMITED and records nothing more`, async () => {
    const s = subjects[2]!;
    const id = await fileFor(gw, s, "ERASURE");
    for (let i = 0; i < 5; i++)
      expect((await check(id, { email: `guess${i}@example.com` })).data.checkSubjectRequestIdentity.checksLeft).toBe(4 - i);
    const held = await heldOf(s);
    const refused = await check(id, { email: held.email });
    expect(refused.data).toBeNull();
    expect(refused.errors[0].extensions).toMatchObject({ code: "RATE_LIMITED", reason: "IDENTITY_CHECK_LIMIT", max: 5 });
    expect((await notesOf(id)).filter((n: string) => n.startsWith("IDENTITY_CHECK:"))).toHaveLength(5);
    expect(await gw.database.db.select().from(disclosureLog).where(eq(disclosureLog.customerId, s))).toHaveLength(5);
  });

  it("allows ten checks per subject in 30 days over all their requests: rejecting and refiling, or one request of each kind, gets no more", async () => {
    const s = subjects[20]!;
    const guesses = async (id: string, n: number) => {
      for (let i = 0; i < n; i++) expect((await check(id, { accountLastFour: `00${10 + i}` })).errors).toBeUndefined();
    };
    const first = await fileFor(gw, s, "ERASURE");
    await guesses(first, 5);
    expect((await act(gw, "reject", first)).errors).toBeUndefined();
    const second = await fileFor(gw, s, "ERASURE");
    await guesses(second, 3);
    const third = await fileFor(gw, s, "ACCESS");
    await guesses(third, 2);
    for (const id of [second, third, await fileFor(gw, s, "RESTRICTION", { grounds: "ACCURACY_CONTESTED" })]) {
      const refused = await check(id, { email: (await heldOf(s)).email });
      expect(refused.data).toBeNull();
      expect(refused.errors[0].extensions).toMatchObject({
        code: "RATE_LIMITED",
        reason: "SUBJECT_IDENTITY_CHECK_LIMIT",
        max: 10,
        windowDays: 30,
      });
    }
    const [row] = await queryRows<{ n: number }>(
      gw.database.db,
      sql`select count(*)::int as n from ${subjectRequestEvents}
      where ${subjectRequestEvents.customerId} = ${s} and ${subjectRequestEvents.note} like 'IDENTITY_CHECK:%'`,
    );
    expect(row?.n).toBe(10);
    // another subject is not held back by this one's checks
    expect((await check(await fileFor(gw, subjects[21]!, "ACCESS"), { email: "x@example.com" })).errors).toBeUndefined();
  });

  it("is the privacy office's, under subject_request; bad claims are refused without echoing them", async () => {
    const s = subjects[3]!;
    const id = await fileFor(gw, s, "ACCESS");
    const held = await heldOf(s);
    expect((await check(id, { email: held.email }, await customer(gw, s))).errors[0].extensions.code).toBe("FORBIDDEN");
    expect((await check(id, { email: held.email }, await staff(gw, "support_agent", "customer_support"))).errors[0].extensions.code).toBe(
      "FORBIDDEN",
    );
    expect((await check(id, { email: held.email }, await officer(gw, "legal_compliance"))).errors[0].extensions.code).toBe(
      "PURPOSE_NOT_ALLOWED",
    );
    expect((await check(id, {})).errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "NO_CLAIMS" });
    const bad = await check(id, { accountLastFour: "9q7z3" });
    expect(bad.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "BAD_CLAIM", claim: "accountLastFour" });
    expect(JSON.stringify(bad)).not.toContain("9q7z3");
    expect((await check(id, { name: " \t " })).errors[0].extensions.reason).toBe("BAD_CLAIM");
    expect(await notesOf(id)).toEqual(["FILED"]);
  });
});

/** The reference comparison, written apart from the gateway's. */
function reference(claims: Record<string, string>, held: Held): Record<string, string> {
  const name = (v: string) => v.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  const email = (v: string) => v.trim().toLowerCase();
  const phone = (v: string) => v.replace(/[^0-9]/g, "");
  const last4 = (v: string) =>
    v
      .replace(/[^a-z0-9]/gi, "")
      .toLowerCase()
      .slice(-4);
  const one = (claim: string | undefined, value: string | null, norm: (v: string) => string) =>
    claim === undefined ? null : value === null || norm(value) === "" ? "NOT_ON_FILE" : norm(claim) === norm(value) ? "MATCH" : "NO_MATCH";
  return {
    name: one(claims.name, held.name, name)!,
    email: one(claims.email, held.email, email)!,
    phone: one(claims.phone, held.phone, phone)!,
    accountLastFour:
      claims.accountLastFour === undefined
        ? null!
        : held.numbers.length === 0
          ? "NOT_ON_FILE"
          : held.numbers.some((n) => last4(n) === last4(claims.accountLastFour!))
            ? "MATCH"
            : "NO_MATCH",
  };
}

describe("generated: claims, right or wrong, against what is held", () => {
  it("each answer equals the reference comparison, and no answer, log line, event or disclosure record holds a held value", async () => {
    const pool = subjects.slice(4, 20);
    const helds = new Map<string, Held>();
    for (const s of pool) helds.set(s, await heldOf(s));
    const values = [...helds.values()];
    const spaced = (v: string, gaps: number[]) =>
      v
        .split("")
        .map((c, i) => (gaps[i % gaps.length]! > 2 ? ` ${c}` : c))
        .join("");
    const recase = (v: string, flips: boolean[]) =>
      v
        .split("")
        .map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c.toLowerCase()))
        .join("");
    /** A claim: the subject's own value, reformatted; another subject's value; or a near miss. */
    const claimOf = (field: "name" | "email" | "phone", subject: string) =>
      fc
        .tuple(
          fc.constantFrom("own", "other", "near"),
          fc.constantFrom(...values),
          fc.array(fc.nat(4), { minLength: 1, maxLength: 5 }),
          fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        )
        .map(([how, other, gaps, flips]) => {
          const own = helds.get(subject)![field];
          const base = (how === "other" ? other[field] : own) ?? "0";
          const near = how === "near" ? `${base}9` : base;
          return field === "phone"
            ? spaced(near, gaps)
            : field === "email"
              ? ` ${recase(near, flips)}  `
              : recase(near, flips).replace(/ /g, "  ");
        });
    const lastFourOf = (subject: string) =>
      fc.oneof(fc.constantFrom(...helds.get(subject)!.numbers.map((n) => n.slice(-4))), fc.stringMatching(/^[0-9]{4}$/));
    const claimsFor = (subject: string) =>
      fc
        .record(
          {
            name: claimOf("name", subject),
            email: claimOf("email", subject),
            phone: claimOf("phone", subject),
            accountLastFour: lastFourOf(subject),
          },
          { requiredKeys: [] },
        )
        .filter((c) => Object.keys(c).length > 0);

    let matched = 0;
    let missed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...pool).chain((s) => fc.tuple(fc.constant(s), claimsFor(s))),
        async ([subject, claims]) => {
          const id = await fileFor(gw, subject, "ACCESS");
          const res = await check(id, claims);
          expect((await act(gw, "reject", id)).errors).toBeUndefined();
          expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
          const got = res.data.checkSubjectRequestIdentity;
          const want = reference(claims as Record<string, string>, helds.get(subject)!);
          for (const k of ["name", "email", "phone", "accountLastFour"]) {
            expect(got[k], k).toBe(want[k] ?? null);
            if (got[k] === "MATCH") matched++;
            if (got[k] === "NO_MATCH") missed++;
          }
          const held = helds.get(subject)!;
          const text = JSON.stringify(res);
          for (const v of [held.name, held.email, held.phone, ...held.numbers]) if (v) expect(text).not.toContain(v);
        },
      ),
      { numRuns: 40 },
    );
    expect(matched).toBeGreaterThan(10);
    expect(missed).toBeGreaterThan(10);

    // nothing held is written anywhere the checks wrote: logs, request events, the disclosure log
    const events = await gw.database.db.select({ note: subjectRequestEvents.note }).from(subjectRequestEvents);
    const records = await queryRows<{ r: string }>(gw.database.db, sql`select to_jsonb(d)::text as r from ${disclosureLog} d`);
    const written = [gw.logs.join("\n"), JSON.stringify(events), records.map((x) => x.r).join("\n")].join("\n").toLowerCase();
    for (const held of values) {
      for (const v of [held.name, held.email, held.phone, ...held.numbers]) if (v) expect(written).not.toContain(v.toLowerCase());
    }
  });
});
