import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { seed } from "../../src/db/seed/seed.js";
import {
  DATAMAP_OUTPUTS,
  FIDES_DATASET_KEY,
  RECIPIENTS_FROM_DATABASE,
  RECIPIENTS_WITHOUT_DATABASE,
  buildDataMapModel,
  buildFidesExport,
  generateDataMapDocs,
  loadRecipients,
  personalColumns,
  type Recipient,
} from "../../src/datamap/index.js";
import { getDataMap, type DataMap } from "../../src/enforcement/dataMap.js";
import { PERSONAL_COLUMNS } from "../../src/enforcement/personalColumns.js";
import { buildGatewaySchema } from "../../src/graphql/buildGatewaySchema.js";
import { createTestDatabase } from "../helpers/testDatabase.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

let dataMap: DataMap;
let demoPartners: Recipient[];

beforeAll(async () => {
  dataMap = getDataMap(await buildGatewaySchema());
  const handle = await createTestDatabase();
  try {
    await seed(handle.db, { customers: 0 });
    demoPartners = await loadRecipients(handle.db);
  } finally {
    await handle.close();
  }
});

describe("the Fides dataset", () => {
  it("lists every personal column with its category", () => {
    const fides = buildFidesExport(buildDataMapModel(dataMap, null, DEFAULT_POLICY));
    expect(fides.dataset).toHaveLength(1);
    const listed = new Map(
      fides.dataset[0]!.collections.flatMap((c) => c.fields.map((f) => [`${c.name}.${f.name}`, f.data_categories] as const)),
    );
    const expected = Object.entries(PERSONAL_COLUMNS).flatMap(([t, cols]) => Object.keys(cols).map((c) => `${t}.${c}`));
    expect([...listed.keys()].sort()).toEqual(expected.sort());
    for (const column of personalColumns(dataMap)) {
      expect(listed.get(`${column.table}.${column.column}`)).toEqual([column.category]);
      if (column.coordinate) expect(dataMap.fields.get(column.coordinate)?.category).toBe(column.category);
    }
    expect(listed.get("profiles.email")).toEqual(["user.contact.email"]);
    expect(listed.get("visits.ip_address")).toEqual(["user.device.ip_address"]);
    expect(listed.get("credentials.password_hash")).toEqual(["user.authorization.credentials"]);
  });

  it("declares each purpose with its Fides data use and only the categories the matrix lets it read", () => {
    const fides = buildFidesExport(buildDataMapModel(dataMap, null, DEFAULT_POLICY));
    const declarations = fides.system[0]!.privacy_declarations;
    for (const d of declarations) {
      expect(d.data_use).toBe(DEFAULT_POLICY.purposes[d.name as keyof typeof DEFAULT_POLICY.purposes].fidesDataUse);
      expect(d.dataset_references).toEqual([FIDES_DATASET_KEY]);
    }
    const ads = declarations.find((d) => d.name === "advertising");
    expect(ads?.data_use).toBe("marketing.advertising.third_party.targeted");
    expect(ads?.data_categories).toContain("user.behavior.browsing_history");
    expect(ads?.data_categories).not.toContain("user.name");
    for (const d of declarations) expect(d.data_categories).not.toContain("user.authorization.credentials");
  });

  it("defines the policy's custom categories beneath their fideslang parents, and only those", () => {
    const fides = buildFidesExport(buildDataMapModel(dataMap, null, DEFAULT_POLICY));
    expect(fides.data_category.map((c) => [c.fides_key, c.parent_key])).toEqual([
      ["user.contact.address.billing", "user.contact.address"],
      ["user.contact.address.delivery", "user.contact.address"],
      ["user.unique_id.account_number", "user.unique_id"],
    ]);
  });

  it("names third-party recipients per purpose when partners are known", () => {
    const fides = buildFidesExport(buildDataMapModel(dataMap, demoPartners, DEFAULT_POLICY));
    const ads = fides.system[0]!.privacy_declarations.find((d) => d.name === "advertising");
    expect(ads).toMatchObject({ data_shared_with_third_parties: true, third_parties: "Fabrikam Ad Network" });
    expect(ads?.shared_categories).toEqual(expect.arrayContaining(["user.device", "user.behavior.browsing_history"]));
    expect(fides.system[0]!.legal_basis_for_transfers).toEqual(["SCC-2021"]);
  });
});

describe("the record of processing", () => {
  it("has a section for every category of the data map, with fields, purposes, recipients, retention, transfers", () => {
    const { record } = generateDataMapDocs(dataMap, null, DEFAULT_POLICY);
    for (const category of dataMap.categories) {
      const start = record.indexOf(`### \`${category}\`\n`);
      expect(start, `${category} has no section`).toBeGreaterThan(0);
      const section = record.slice(start, record.indexOf("\n### ", start + 1));
      for (const heading of ["**Fields**", "**Purposes**", "**Recipients**", "**Retention**", "**Transfers**"])
        expect(section).toContain(heading);
    }
    for (const field of dataMap.fields.values()) expect(record).toContain(`\`${field.coordinate}\``);
    expect(record).toContain(RECIPIENTS_WITHOUT_DATABASE);
    expect(record).toContain("- Partners: see partner grants.");
  });

  it("lists partners, their purposes and transfer bases when generated with a database", () => {
    const { record } = generateDataMapDocs(dataMap, demoPartners, DEFAULT_POLICY);
    expect(record).toContain(RECIPIENTS_FROM_DATABASE);
    expect(record).toMatch(/Contoso Support Services \(service_provider, US\): `customer_support`/);
    expect(record).toContain("transfer basis `SCC-2021`");
    expect(record).toContain("Fabrikam Ad Network");
  });
});

describe("the committed docs", () => {
  it("are current (run `npm run datamap` when this fails)", () => {
    expect(existsSync(DATAMAP_OUTPUTS.record), "docs/record-of-processing.md is missing").toBe(true);
    const committedRecord = readFileSync(DATAMAP_OUTPUTS.record, "utf8");
    const committedFides = readFileSync(DATAMAP_OUTPUTS.fides, "utf8");
    // Generated against the demo partners (a seeded database) or without a database: regenerate alike.
    const recipients = committedRecord.includes(RECIPIENTS_FROM_DATABASE) ? demoPartners : null;
    const docs = generateDataMapDocs(dataMap, recipients, DEFAULT_POLICY);
    expect(committedRecord).toBe(docs.record);
    expect(committedFides).toBe(docs.fides);
  });
});
