/**
 * The test oracle for the enforcement suites: what the database actually holds (every personal
 * cell and the canary token in it), each subject's state recomputed from the tables (independently
 * of src/enforcement/subjectStateQueries.ts), the callers (staff, customers, partners with API
 * keys minted for the test) and the decision each caller should get, by src/policy's decide(DEFAULT_POLICY).
 */
import { getTableColumns, getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import type { GraphQLSchema } from "graphql";
import { generateApiKey, hashApiKeySecret } from "../../../src/db/apiKeys.js";
import type { Database } from "../../../src/db/client.js";
import * as tables from "../../../src/db/schema/index.js";
import { CANARY_PATTERN } from "../../../src/db/seed/canary.js";
import { getDataMap, type DataMap, type PersonalField } from "../../../src/enforcement/dataMap.js";
import { PERSONAL_COLUMNS } from "../../../src/enforcement/personalColumns.js";
import { buildGatewaySchema } from "../../../src/graphql/buildGatewaySchema.js";
import type { Caller, Grant, PartnerKind } from "../../../src/policy/caller.js";
import { decide, type Decision } from "../../../src/policy/decide.js";
import { isPurpose, type Purpose } from "../../../src/policy/purposes.js";
import type { StaffRole } from "../../../src/policy/roles.js";
import type { SubjectState } from "../../../src/policy/subjectState.js";
import { bearer, startTestGateway, type TestGateway } from "../../helpers/testGateway.js";
import { DEFAULT_POLICY } from "../../../src/policy/index.js";

/** Every canary token in a text (a fresh global regexp each time: CANARY_PATTERN is stateful). */
export function canariesIn(text: string): string[] {
  return Array.from(text.matchAll(new RegExp(CANARY_PATTERN.source, "g")), (m) => m[0]);
}

export interface CellOwner {
  table: string;
  column: string;
  coordinate: string;
  customerId: string;
}

export interface PartnerCaller {
  name: string;
  kind: PartnerKind;
  partnerId: string;
  apiKey: string;
  caller: Extract<Caller, { kind: "partner" }>;
}

export interface CustomerInfo {
  id: string;
  status: "active" | "restricted" | "erased";
  residency: string;
}

export interface World {
  schema: GraphQLSchema;
  dataMap: DataMap;
  customers: CustomerInfo[];
  partners: PartnerCaller[];
  /** Canary token -> the one cell that holds it. */
  canaryOwner: Map<string, CellOwner>;
  /** `${customerId}|${coordinate}` -> every stored value of that coordinate for that subject (as text). */
  raw: Map<string, Set<string>>;
  states: Map<string, SubjectState>;
  /** Re-reads subject states (after a consent change) and stored values (after an UPDATE). */
  refresh(): Promise<void>;
}

const TABLES_BY_NAME = new Map<string, PgTable>(
  (Object.values(tables) as unknown[]).filter((t): t is PgTable => is(t, PgTable)).map((t) => [getTableName(t), t]),
);

export const rawKey = (customerId: string, coordinate: string) => `${customerId}|${coordinate}`;

/** A stored value as the text forms a response could carry it in (an enum's value by its GraphQL name). */
function textForms(value: unknown, isEnum = false): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => textForms(v));
  if (value instanceof Date) return [value.toISOString()];
  if (typeof value === "boolean") return [];
  return [isEnum ? String(value).toUpperCase() : String(value)];
}

async function readCells(db: Database, dataMap: DataMap) {
  const canaryOwner = new Map<string, CellOwner>();
  const raw = new Map<string, Set<string>>();
  for (const [tableName, columns] of Object.entries(PERSONAL_COLUMNS)) {
    const table = TABLES_BY_NAME.get(tableName);
    if (!table) throw new Error(`no Drizzle table ${tableName}`);
    const byColumn = new Map(Object.entries(getTableColumns(table)).map(([key, column]) => [column.name, key]));
    const rows = (await db.select().from(table as never)) as Array<Record<string, unknown>>;
    for (const row of rows) {
      const customerId = (tableName === "customers" ? row.id : row.customerId) as string; // a subject's own row is the subject
      for (const [column, exposure] of Object.entries(columns)) {
        const key = byColumn.get(column);
        if (!key) throw new Error(`no column ${tableName}.${column}`);
        const value = row[key];
        const coordinate = "coordinate" in exposure ? exposure.coordinate : `(unexposed) ${tableName}.${column}`;
        for (const text of textForms(value, dataMap.fields.get(coordinate)?.valueKind === "enum")) {
          let set = raw.get(rawKey(customerId, coordinate));
          if (!set) raw.set(rawKey(customerId, coordinate), (set = new Set()));
          set.add(text);
          for (const token of canariesIn(text)) canaryOwner.set(token, { table: tableName, column, coordinate, customerId });
        }
      }
    }
  }
  // An objection's purposes are held in the privacy machinery (a completed request's detail), not in PERSONAL_COLUMNS.
  const objections = await db.select().from(tables.subjectRequests);
  for (const r of objections) {
    if (r.kind !== "objection" || r.state !== "completed" || !Array.isArray(r.detail.purposes)) continue;
    let set = raw.get(rawKey(r.customerId, "Objection.purpose"));
    if (!set) raw.set(rawKey(r.customerId, "Objection.purpose"), (set = new Set()));
    for (const purpose of r.detail.purposes) set.add(String(purpose));
  }
  return { canaryOwner, raw };
}

/**
 * Subject states from the tables, written from DESIGN.md (not from the gateway's loader): the
 * latest consent event per (purpose, partner) wins, ties broken by id; completed objections list
 * their purposes; any verified request opens subject_request.
 */
export async function readSubjectStates(db: Database): Promise<Map<string, SubjectState>> {
  const [subjects, events, requests, links] = await Promise.all([
    db.select().from(tables.customers),
    db.select().from(tables.consentEvents),
    db.select().from(tables.subjectRequests),
    db.select().from(tables.partnerLinks),
  ]);
  const states = new Map<string, SubjectState>();
  for (const s of subjects) {
    states.set(s.id, {
      customerId: s.id,
      status: s.status,
      residency: s.residency,
      optOuts: new Map(),
      objections: new Map(),
      partnerOptIns: new Set(),
      linkedPartners: new Set(),
      verifiedRequest: false,
    });
  }
  const latest = new Map<string, (typeof events)[number]>();
  for (const e of events) {
    const key = `${e.customerId}|${e.purpose}|${e.partnerId ?? ""}`;
    const seen = latest.get(key);
    if (!seen || e.recordedAt > seen.recordedAt || (e.recordedAt.getTime() === seen.recordedAt.getTime() && e.id > seen.id))
      latest.set(key, e);
  }
  for (const e of latest.values()) {
    const state = states.get(e.customerId);
    if (!state) continue;
    if (e.partnerId !== null) {
      if (e.granted && e.purpose === tables.PARTNER_SHARING_PURPOSE) (state.partnerOptIns as Set<string>).add(e.partnerId);
    } else if (!e.granted && isPurpose(e.purpose) && DEFAULT_POLICY.purposes[e.purpose].consentBasis === "opt_out") {
      (state.optOuts as Map<Purpose, Date>).set(e.purpose, e.recordedAt);
    }
  }
  for (const r of requests) {
    const state = states.get(r.customerId);
    if (!state) continue;
    if (r.state === "verified") state.verifiedRequest = true;
    if (r.kind === "objection" && r.state === "completed") {
      const purposes = Array.isArray(r.detail.purposes) ? r.detail.purposes : [];
      for (const p of purposes) if (isPurpose(p)) (state.objections as Map<Purpose, Date>).set(p, r.closedAt ?? new Date(0));
    }
  }
  for (const l of links) (states.get(l.customerId)?.linkedPartners as Set<string> | undefined)?.add(l.partnerId);
  return states;
}

/** A fresh API key for each seeded partner (only its hash is stored, as the gateway expects). */
async function partnerCallers(db: Database): Promise<PartnerCaller[]> {
  const [partners, grants] = await Promise.all([db.select().from(tables.partners), db.select().from(tables.partnerGrants)]);
  const out: PartnerCaller[] = [];
  for (const p of partners) {
    const g = grants.find((row) => row.partnerId === p.id && row.revokedAt === null);
    if (!g) continue;
    const key = generateApiKey();
    await db.insert(tables.partnerKeys).values({ id: key.keyId, partnerId: p.id, secretHash: hashApiKeySecret(key.secret) });
    const grant: Grant = {
      id: g.id,
      purposes: g.purposes.filter(isPurpose),
      categories: g.categories,
      subjectScope: g.subjectScope,
      regions: g.regions,
      transferBasis: g.transferBasis,
      validFrom: g.validFrom,
      validUntil: g.validUntil,
    };
    out.push({
      name: p.name,
      kind: p.kind,
      partnerId: p.id,
      apiKey: key.key,
      caller: { kind: "partner", partnerId: p.id, partnerKind: p.kind, partnerRegion: p.region, keyId: key.keyId, grant },
    });
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind));
}

export async function loadWorld(gw: TestGateway): Promise<World> {
  const db = gw.database.db;
  const schema = await buildGatewaySchema();
  const dataMap = getDataMap(schema);
  const customers = (await db.select().from(tables.customers))
    .map((c) => ({ id: c.id, status: c.status, residency: c.residency }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const world: World = {
    schema,
    dataMap,
    customers,
    partners: await partnerCallers(db),
    canaryOwner: new Map(),
    raw: new Map(),
    states: new Map(),
    async refresh() {
      const cells = await readCells(db, world.dataMap);
      world.canaryOwner = cells.canaryOwner;
      world.raw = cells.raw;
      world.states = await readSubjectStates(db);
    },
  };
  await world.refresh();
  return world;
}

export const staffCaller = (role: StaffRole): Caller => ({ kind: "staff", staffId: "staff-test", role });
export const customerCaller = (customerId: string): Caller => ({ kind: "customer", customerId });

/** The decision the gateway should take for one personal field of one subject. */
export function expectedDecision(world: World, caller: Caller, purpose: Purpose, field: PersonalField, subjectId: string): Decision {
  const state = world.states.get(subjectId);
  if (!state) return { effect: "deny", reason: { code: "ERASED", message: "unknown subject" } };
  return decide(DEFAULT_POLICY, caller, purpose, field.category, state);
}

/** Whether a subject can be seen at all (listed, found by id, counted) by this caller for this purpose. */
export function expectedVisible(world: World, caller: Caller, purpose: Purpose, subjectId: string): boolean {
  const state = world.states.get(subjectId);
  if (!state) return false;
  return world.dataMap.categories.some((c) => decide(DEFAULT_POLICY, caller, purpose, c, state).effect !== "deny");
}

/** HTTP headers that authenticate a caller. */
export async function authHeaders(gw: TestGateway, caller: Caller, partners: PartnerCaller[]): Promise<Record<string, string>> {
  switch (caller.kind) {
    case "staff":
      return bearer(await gw.token(caller.role));
    case "customer":
      return bearer(await gw.token("customer", caller.customerId));
    case "partner": {
      const p = partners.find((x) => x.partnerId === caller.partnerId);
      if (!p) throw new Error("unknown partner");
      return { "x-api-key": p.apiKey };
    }
    default:
      throw new Error(`no credentials for ${caller.kind}`);
  }
}

/** GraphQL enum name of a purpose: `customer_support` -> `CUSTOMER_SUPPORT`. */
export const purposeEnum = (p: Purpose) => p.toUpperCase();

/**
 * The gateway and world the property tests share: 30 customers of seed 7 in canary mode. Call in
 * `beforeAll`; close `gw` in `afterAll`.
 */
export async function startCanaryWorld(): Promise<{ gw: TestGateway; world: World }> {
  const gw = await startTestGateway({ customers: 30, seed: 7, canaries: true });
  return { gw, world: await loadWorld(gw) };
}
