import { getTableColumns, getTableName, isTable } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as tables from "../../src/db/schema/index.js";
import { getDataMap } from "../../src/enforcement/dataMap.js";
import { PERSONAL_COLUMNS } from "../../src/enforcement/personalColumns.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";

/**
 * Columns that are no value about a subject, table by table, written here independently of the
 * code: keys (exposed as identifiers, pairwise where they must be) and the privacy machinery's
 * own bookkeeping. Everything else in a table that holds a subject's data (statuses, dates,
 * products included: DESIGN.md section 2) must be exposed through a marked field or listed as
 * deliberately unexposed in src/enforcement/personalColumns.ts.
 */
const NOT_PERSONAL: Record<string, string[]> = {
  customers: ["id", "erased_at"],
  profiles: ["customer_id"],
  credentials: ["customer_id", "updated_at"],
  accounts: ["id", "customer_id"],
  payment_methods: ["id", "customer_id"],
  purchases: ["id", "customer_id"],
  preferences: ["customer_id"],
  consent_events: ["id", "customer_id"],
  submitted_messages: ["id", "customer_id"],
  visits: ["id", "customer_id"],
};
/** Tables of the privacy machinery itself (requests, log, partners): not customer data exposed through the API. */
const MACHINERY = new Set([
  "subject_requests",
  "subject_request_events",
  "disclosure_events",
  "disclosure_field_sets",
  "partners",
  "partner_keys",
  "partner_grants",
  "partner_links",
  "rate_limit_windows",
  "purge_runs",
  "partner_persisted_operations",
  "partner_admin_events",
]);

describe("every personal column is marked or deliberately unexposed", () => {
  it("classifies every column of every table", async () => {
    const dataMap = getDataMap(await buildGatewaySchema());
    const unclassified: string[] = [];
    for (const table of Object.values(tables)) {
      if (!isTable(table)) continue;
      const name = getTableName(table);
      if (MACHINERY.has(name)) continue;
      for (const column of Object.values(getTableColumns(table))) {
        const exposure = PERSONAL_COLUMNS[name]?.[column.name];
        if (NOT_PERSONAL[name]?.includes(column.name)) {
          expect(exposure, `${name}.${column.name} is listed both as personal and not`).toBeUndefined();
          continue;
        }
        if (!exposure) {
          unclassified.push(`${name}.${column.name}`);
          continue;
        }
        if ("coordinate" in exposure) {
          expect(dataMap.fields.has(exposure.coordinate), `${name}.${column.name} -> ${exposure.coordinate} is not marked @personal`).toBe(
            true,
          );
        }
      }
    }
    expect(unclassified).toEqual([]);
  });

  it("names no column twice and maps every marked output field from some column", async () => {
    const dataMap = getDataMap(await buildGatewaySchema());
    const mapped = Object.values(PERSONAL_COLUMNS).flatMap((cols) =>
      Object.values(cols).flatMap((e) => ("coordinate" in e ? [e.coordinate] : [])),
    );
    // The address types share one shape; payment addresses keep no second line, so theirs is always null.
    // An objection in force is read from the privacy machinery's own tables (a completed objection
    // request and its lift events: src/graphql/objection/objectionQueries.ts), not from a subject's table.
    const withoutColumn = new Set(["BillingAddress.line2", "DeliveryAddress.line2", "Objection.purpose", "Objection.since"]);
    // Computed per read, stored nowhere: a customer's sharing per partner comes from their consent
    // events (mapped through Consent), the partners and the disclosure log (the machinery's own).
    const derivedTypes = new Set(["PartnerSharing"]);
    for (const [coordinate, field] of dataMap.fields) {
      // A container (Customer.visits, Profile.address) is its rows or columns, each mapped on its own.
      if (withoutColumn.has(coordinate) || derivedTypes.has(field.typeName) || field.valueKind === "object") continue;
      expect(mapped, `${coordinate} has no column`).toContain(coordinate);
    }
  });
});
