import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { anyOf } from "../../db/anyOf.js";
import type { Database } from "../../db/client.js";
import { hashApiKeySecret, type ApiKey } from "../../db/apiKeys.js";
import {
  partnerAdminEvents,
  partnerGrants,
  partnerKeys,
  partnerPersistedOperations,
  partners,
  type PartnerGrantRow,
  type PersistedOperationRow,
} from "../../db/schema/index.js";
import { isPurpose } from "../../policy/purposes.js";
import type { GrantStatus, Partner, PartnerApiKey, PartnerGrant, PersistedOperation } from "./PartnerTypes.js";
import type { NewGrant, NewPartner, NewPersistedOperation } from "./validatePartnerInput.js";

/** Key columns that may leave the server: never `secret_hash`. */
const KEY_COLUMNS = {
  id: partnerKeys.id,
  partnerId: partnerKeys.partnerId,
  createdAt: partnerKeys.createdAt,
  revokedAt: partnerKeys.revokedAt,
};

export function grantStatus(row: Pick<PartnerGrantRow, "revokedAt" | "validFrom" | "validUntil">, now: Date): GrantStatus {
  if (row.revokedAt) return "revoked";
  if (now < row.validFrom) return "scheduled";
  if (now >= row.validUntil) return "expired";
  return "active";
}

export function toPartnerGrant(row: PartnerGrantRow, now: Date): PartnerGrant {
  return {
    id: row.id,
    partnerId: row.partnerId,
    purposes: row.purposes.filter(isPurpose),
    categories: row.categories,
    subjectScope: row.subjectScope,
    regions: row.regions,
    transferBasis: row.transferBasis,
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    requestsPerMinute: row.requestsPerMinute,
    revokedAt: row.revokedAt,
    status: grantStatus(row, now),
  };
}

export function toPersistedOperation(row: PersistedOperationRow): PersistedOperation {
  return {
    partnerId: row.partnerId,
    sha256Hash: row.sha256,
    document: row.document,
    operationName: row.operationName,
    registeredAt: row.registeredAt,
    revokedAt: row.revokedAt,
  };
}

/**
 * Every partner (or the one given) with its keys, grants and persisted operations: four
 * statements whatever the number of partners.
 */
export async function listPartners(db: Database, now: Date, partnerId?: string): Promise<Partner[]> {
  const rows = await db
    .select()
    .from(partners)
    .where(partnerId === undefined ? undefined : eq(partners.id, partnerId))
    .orderBy(asc(partners.createdAt), asc(partners.name), asc(partners.id));
  if (rows.length === 0) return [];
  const ids = rows.map((p) => p.id);
  const [keys, grants, operations] = await Promise.all([
    db
      .select(KEY_COLUMNS)
      .from(partnerKeys)
      .where(anyOf(partnerKeys.partnerId, ids))
      .orderBy(asc(partnerKeys.createdAt), asc(partnerKeys.id)),
    db
      .select()
      .from(partnerGrants)
      .where(anyOf(partnerGrants.partnerId, ids))
      .orderBy(desc(partnerGrants.validFrom), asc(partnerGrants.id)),
    db
      .select()
      .from(partnerPersistedOperations)
      .where(anyOf(partnerPersistedOperations.partnerId, ids))
      .orderBy(desc(partnerPersistedOperations.registeredAt), asc(partnerPersistedOperations.sha256)),
  ]);
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    kind: p.kind,
    region: p.region,
    contractRef: p.contractRef,
    createdAt: p.createdAt,
    persistedOperationsOnly: p.persistedOperationsOnly,
    keys: keys.filter((k) => k.partnerId === p.id),
    grants: grants.filter((g) => g.partnerId === p.id).map((g) => toPartnerGrant(g, now)),
    persistedOperations: operations.filter((o) => o.partnerId === p.id).map(toPersistedOperation),
  }));
}

export async function insertPartner(db: Database, partner: NewPartner): Promise<Partner> {
  const [row] = await db.insert(partners).values(partner).returning();
  return { ...row!, keys: [], grants: [], persistedOperations: [] };
}

/** Holds a partner to its allowlist, or releases it. False: no such partner. */
export async function setPersistedOperationsOnly(db: Database, partnerId: string, enabled: boolean): Promise<boolean> {
  const rows = await db
    .update(partners)
    .set({ persistedOperationsOnly: enabled })
    .where(eq(partners.id, partnerId))
    .returning({ id: partners.id });
  return rows.length > 0;
}

/**
 * Registers an operation (idempotent: the same document again returns the row as it is; a
 * revoked one is reinstated, registered anew).
 */
export async function upsertPersistedOperation(db: Database, operation: NewPersistedOperation): Promise<PersistedOperationRow> {
  const t = partnerPersistedOperations;
  const [row] = await db
    .insert(t)
    .values(operation)
    .onConflictDoUpdate({
      target: [t.partnerId, t.sha256],
      set: { revokedAt: null, registeredAt: sql`case when ${t.revokedAt} is null then ${t.registeredAt} else now() end` },
    })
    .returning();
  return row!;
}

/** Revokes a registered operation (idempotent). Null: none under this hash for this partner. */
export async function revokePersistedOperationRow(
  db: Database,
  partnerId: string,
  sha256: string,
  now: Date,
): Promise<PersistedOperationRow | null> {
  const t = partnerPersistedOperations;
  const match = and(eq(t.partnerId, partnerId), eq(t.sha256, sha256));
  const [revoked] = await db
    .update(t)
    .set({ revokedAt: now })
    .where(and(match, isNull(t.revokedAt)))
    .returning();
  if (revoked) return revoked;
  const [existing] = await db.select().from(t).where(match);
  return existing ?? null;
}

export async function partnerExists(db: Database, id: string): Promise<boolean> {
  const rows = await db.select({ id: partners.id }).from(partners).where(eq(partners.id, id)).limit(1);
  return rows.length > 0;
}

/**
 * Stores a new key's id and the hash of its secret; the secret itself is never written. Null
 * when the key id is already taken (36^12 ids: the caller draws again).
 */
export async function insertApiKey(db: Database, partnerId: string, key: ApiKey): Promise<PartnerApiKey | null> {
  const [row] = await db
    .insert(partnerKeys)
    .values({ id: key.keyId, partnerId, secretHash: hashApiKeySecret(key.secret) })
    .onConflictDoNothing({ target: partnerKeys.id })
    .returning(KEY_COLUMNS);
  return row ?? null;
}

/** Revokes a key (idempotent: an already revoked key keeps its first revocation time). Null: no such key. */
export async function revokeApiKeyRow(db: Database, keyId: string, now: Date): Promise<PartnerApiKey | null> {
  const [revoked] = await db
    .update(partnerKeys)
    .set({ revokedAt: now })
    .where(and(eq(partnerKeys.id, keyId), isNull(partnerKeys.revokedAt)))
    .returning(KEY_COLUMNS);
  if (revoked) return revoked;
  const [existing] = await db.select(KEY_COLUMNS).from(partnerKeys).where(eq(partnerKeys.id, keyId));
  return existing ?? null;
}

export async function insertGrant(db: Database, grant: NewGrant): Promise<PartnerGrantRow> {
  const [row] = await db.insert(partnerGrants).values(grant).returning();
  return row!;
}

/** Revokes a grant (idempotent). Null: no such grant. */
export async function revokeGrantRow(db: Database, grantId: string, now: Date): Promise<PartnerGrantRow | null> {
  const [revoked] = await db
    .update(partnerGrants)
    .set({ revokedAt: now })
    .where(and(eq(partnerGrants.id, grantId), isNull(partnerGrants.revokedAt)))
    .returning();
  if (revoked) return revoked;
  const [existing] = await db.select().from(partnerGrants).where(eq(partnerGrants.id, grantId));
  return existing ?? null;
}

export async function grantById(db: Database, grantId: string): Promise<PartnerGrantRow | null> {
  const [row] = await db.select().from(partnerGrants).where(eq(partnerGrants.id, grantId));
  return row ?? null;
}

export type PartnerAdminEventRow = typeof partnerAdminEvents.$inferSelect;
export type NewPartnerAdminEvent = Omit<typeof partnerAdminEvents.$inferInsert, "id" | "at">;

/**
 * An administrative change and its event in one transaction: the change is kept only if its
 * event is written. A change that found nothing (null or false) records nothing.
 */
export async function changeWithEvent<T>(
  db: Database,
  change: (tx: Database) => Promise<T | null | false>,
  eventOf: (changed: T) => NewPartnerAdminEvent,
): Promise<T | null> {
  return db.transaction(async (tx) => {
    const changed = await change(tx);
    if (changed === null || changed === false) return null;
    await tx.insert(partnerAdminEvents).values(eventOf(changed));
    return changed;
  });
}

/** A partner's administration log, oldest first. */
export async function partnerAdminEventsOf(db: Database, partnerId: string): Promise<PartnerAdminEventRow[]> {
  return db
    .select()
    .from(partnerAdminEvents)
    .where(eq(partnerAdminEvents.partnerId, partnerId))
    .orderBy(asc(partnerAdminEvents.at), asc(partnerAdminEvents.id));
}
