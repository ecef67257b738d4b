import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { customers, partnerGrants, partners } from "../../src/db/schema/index.js";
import { seed } from "../../src/db/seed/seed.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { loadSubjectStates } from "../../src/enforcement/subjectStateQueries.js";
import { visibleSubjectsWhere } from "../../src/enforcement/visibleSubjectsWhere.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import type { Caller } from "../../src/policy/caller.js";
import { decide } from "../../src/policy/decide.js";
import { PURPOSES } from "../../src/policy/purposes.js";
import { STAFF_ROLES } from "../../src/policy/roles.js";
import { createTestDatabase } from "../helpers/testDatabase.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, { customers: 150, seed: 11 });
});
afterAll(async () => {
  await database?.close();
});

/**
 * Pages and counts filter subjects in SQL (visibleSubjectsWhere); single reads decide in code
 * (decide over the subject's state). The two must agree on every subject, or a page would show
 * someone a by-id read hides, or count someone it does not show.
 */
describe("the SQL visibility filter agrees with decide(DEFAULT_POLICY)", () => {
  it("for every caller, every purpose and every seeded subject", async () => {
    const categories = getDataMap(await buildGatewaySchema()).categories;
    const all = await database.db.select({ id: customers.id }).from(customers);
    const states = await loadSubjectStates(
      database.db,
      all.map((c) => c.id),
    );
    const grants = await database.db.select().from(partnerGrants).innerJoin(partners, eq(partners.id, partnerGrants.partnerId));
    const callers: Caller[] = [
      ...STAFF_ROLES.map((role): Caller => ({ kind: "staff", staffId: "s", role })),
      { kind: "customer", customerId: all[3]!.id },
      { kind: "anonymous" },
      ...grants.flatMap(({ partner_grants: g, partners: p }): Caller[] =>
        [false, true].map((withBasis) => ({
          kind: "partner",
          partnerId: p.id,
          partnerKind: p.kind,
          partnerRegion: p.region,
          keyId: "k",
          grant: {
            id: g.id,
            purposes: g.purposes as never,
            categories: g.categories,
            subjectScope: g.subjectScope,
            regions: withBasis ? ["EU", "US", "UK", "CA", "BR", "CH"] : g.regions,
            transferBasis: withBasis ? "SCC" : g.transferBasis,
            validFrom: g.validFrom,
            validUntil: g.validUntil,
          },
        })),
      ),
    ];
    let compared = 0;
    for (const caller of callers) {
      for (const purpose of PURPOSES) {
        const rows = await database.db
          .select({ id: customers.id })
          .from(customers)
          .where(visibleSubjectsWhere(DEFAULT_POLICY, caller, purpose, categories));
        const inSql = new Set(rows.map((r) => r.id));
        for (const { id } of all) {
          const visible = categories.some((c) => decide(DEFAULT_POLICY, caller, purpose, c, states.get(id)!).effect !== "deny");
          expect(inSql.has(id), `${JSON.stringify({ caller: caller.kind === "staff" ? caller.role : caller.kind, purpose, id })}`).toBe(
            visible,
          );
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(20_000);
  });
});
