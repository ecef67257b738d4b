import { getTableColumns, getTableName, isTable } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as tables from "../../src/db/schema/index.js";
import { ERASURE_PLAN, heldByLaw, legalHoldColumns } from "../../src/dsr/erasurePlan.js";
import { personalColumns } from "../../src/datamap/columns.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { retentionFor } from "../../src/policy/retention.js";
import { retentionOf } from "../../src/dsr/retention.js";
import { SOURCES } from "../../src/dsr/sources.js";
import { dueDate, SUBJECT_REQUEST_ACTIONS, SUBJECT_REQUEST_KINDS, SUBJECT_REQUEST_STATES, transition } from "../../src/dsr/transitions.js";
import { PERSONAL_COLUMNS } from "../../src/enforcement/personalColumns.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/** The lifecycle, written out independently of the module: from state -> action -> new state, or null (refused). */
export const LIFECYCLE: Record<string, Record<string, string | null>> = {
  received: { verify: "verified", complete: null, reject: "rejected" },
  verified: { verify: null, complete: "completed", reject: "rejected" },
  completed: { verify: null, complete: null, reject: null },
  rejected: { verify: null, complete: null, reject: null },
};

describe("the request lifecycle (pure)", () => {
  const cases = SUBJECT_REQUEST_KINDS.flatMap((kind) =>
    SUBJECT_REQUEST_STATES.flatMap((state) => SUBJECT_REQUEST_ACTIONS.map((action) => ({ kind, state, action }))),
  );
  it.each(cases)("$kind: $state --$action-->", ({ kind, state, action }) => {
    const expected = LIFECYCLE[state]![action];
    const t = transition(kind, state, action);
    if (expected === null) {
      expect(t.ok).toBe(false);
      if (!t.ok) {
        expect(t.code).toBe("INVALID_TRANSITION");
        expect(t.message).toContain(state);
      }
    } else {
      expect(t).toEqual({ ok: true, from: state, to: expected });
    }
  });

  it("is due 30 days after receipt", () => {
    expect(dueDate(new Date("2026-01-31T10:00:00Z")).toISOString()).toBe("2026-03-02T10:00:00.000Z");
  });
});

describe("erasure plan, sources and retention cover every personal table", () => {
  it("names every table of PERSONAL_COLUMNS, and anonymised columns can be nulled", async () => {
    const byName = new Map<string, unknown>(
      (Object.values(tables) as unknown[]).filter((t) => isTable(t)).map((t) => [getTableName(t as never), t]),
    );
    const personal = personalColumns(getDataMap(await buildGatewaySchema()));
    for (const table of Object.keys(PERSONAL_COLUMNS)) {
      expect(ERASURE_PLAN[table], `${table} has no erasure plan`).toBeDefined();
      expect(SOURCES[table], `${table} has no source`).toBeDefined();
      const plan = ERASURE_PLAN[table]!;
      const cols = Object.values(getTableColumns(byName.get(table) as never)) as { name: string; notNull: boolean }[];
      expect(
        cols.some((c) => c.name === (table === "customers" ? "id" : "customer_id")),
        `${table} has its subject column`,
      ).toBe(true);
      if (plan.action !== "anonymise") continue;
      for (const { column, category, keptOnErasure } of personal.filter((c) => c.table === table)) {
        if (heldByLaw(DEFAULT_POLICY, category) || keptOnErasure !== null) continue;
        const c = cols.find((x) => x.name === column)!;
        expect(c.notNull, `${table}.${column} is anonymised but NOT NULL`).toBe(false);
      }
    }
  });

  it("keeps through erasure exactly what the retention schedule holds by law, and deletes no table holding any of it", async () => {
    const personal = personalColumns(getDataMap(await buildGatewaySchema()));
    // Written out, not derived: a change to the schedule's legal holds must show up here.
    expect(legalHoldColumns(DEFAULT_POLICY, personal).sort()).toEqual([
      "consent_events.granted",
      "consent_events.partner_id",
      "consent_events.policy_version",
      "consent_events.purpose",
      "consent_events.recorded_at",
      "consent_events.source",
      "preferences.email_newsletter",
      "preferences.postal_mail",
      "preferences.preferred_channel",
      "preferences.sms_offers",
      "preferences.updated_at",
      "purchases.amount_cents",
      "purchases.currency",
      "purchases.invoice_ref",
      "purchases.product",
      "purchases.purchased_at",
      "purchases.tax_rate",
    ]);
    for (const c of personal.filter((p) => heldByLaw(DEFAULT_POLICY, p.category))) {
      expect(ERASURE_PLAN[c.table]?.action, `${c.table} holds ${c.column} under legal hold`).toBe("anonymise");
      expect(retentionFor(DEFAULT_POLICY, c.category)?.period, `${c.table}.${c.column}: a legal hold needs an end`).not.toBeNull();
    }
  });

  it("reports each category's retention from the policy", () => {
    expect(retentionOf(DEFAULT_POLICY, "user.behavior.browsing_history")).toMatch(/13 months/);
    expect(retentionOf(DEFAULT_POLICY, null)).toBe("not set");
  });
});
