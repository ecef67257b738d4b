import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { hashApiKeySecret, type ApiKey } from "../../db/apiKeys.js";
import { partnerGrants, partnerKeys, partners, type PartnerGrantRow } from "../../db/schema/index.js";
import { isPurpose } from "../../policy/purposes.js";
import type { GrantStatus, Partner, PartnerApiKey, PartnerGrant } from "./PartnerTypes.js";
import type { NewGrant, NewPartner } from "./validatePartnerInput.js";

/** Key columns that may leave the server: never `secret_hash`. */
const KEY_COLUMNS = {
  id: partnerKeys.id, partnerId: partnerKeys.partnerId, createdAt: partnerKeys.createdAt, revokedAt: partnerKeys.revokedAt,
};

export function grantStatus(row: Pick<PartnerGrantRow, "revokedAt" | "validFrom" | "validUntil">, now: Date): GrantStatus {
  if (row.revokedAt) return "revoked";
  if (now < row.validFrom) return "scheduled";
  if (now >= row.validUntil) return "expired";
  return "active";
}

export function toPartnerGrant(row: PartnerGrantRow, now: Date): PartnerGrant {
  return {
    id: row.id, partnerId: row.partnerId, purposes: row.purposes.filter(isPurpose), categories: row.categories,
    subjectScope: row.subjectScope, regions: row.regions, transferBasis: row.transferBasis, validFrom: row.validFrom,
    validUntil: row.validUntil, requestsPerMinute: row.requestsPerMinute, revokedAt: row.revokedAt, status: grantStatus(row, now),
  };
}

/** Every partner with its keys and grants: three statements whatever the number of partners. */
export async function listPartners(db: Database, now: Date): Promise<Partner[]> {
  const rows = await db.select().from(partners).orderBy(asc(partners.createdAt), asc(partners.name), asc(partners.id));
  if (rows.length === 0) return [];
  const ids = rows.map((p) => p.id);
  const [keys, grants] = await Promise.all([
    db.select(KEY_COLUMNS).from(partnerKeys).where(inArray(partnerKeys.partnerId, ids)).orderBy(asc(partnerKeys.createdAt), asc(partnerKeys.id)),
    db.select().from(partnerGrants).where(inArray(partnerGrants.partnerId, ids)).orderBy(desc(partnerGrants.validFrom), asc(partnerGrants.id)),
  ]);
  return rows.map((p) => ({
    id: p.id, name: p.name, kind: p.kind, region: p.region, contractRef: p.contractRef, createdAt: p.createdAt,
    keys: keys.filter((k) => k.partnerId === p.id),
    grants: grants.filter((g) => g.partnerId === p.id).map((g) => toPartnerGrant(g, now)),
  }));
}

export async function insertPartner(db: Database, partner: NewPartner): Promise<Partner> {
  const [row] = await db.insert(partners).values(partner).returning();
  return { ...row!, keys: [], grants: [] };
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
  const [row] = await db.insert(partnerKeys)
    .values({ id: key.keyId, partnerId, secretHash: hashApiKeySecret(key.secret) })
    .onConflictDoNothing({ target: partnerKeys.id })
    .returning(KEY_COLUMNS);
  return row ?? null;
}

/** Revokes a key (idempotent: an already revoked key keeps its first revocation time). Null: no such key. */
export async function revokeApiKeyRow(db: Database, keyId: string, now: Date): Promise<PartnerApiKey | null> {
  const [revoked] = await db.update(partnerKeys).set({ revokedAt: now })
    .where(and(eq(partnerKeys.id, keyId), isNull(partnerKeys.revokedAt))).returning(KEY_COLUMNS);
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
  const [revoked] = await db.update(partnerGrants).set({ revokedAt: now })
    .where(and(eq(partnerGrants.id, grantId), isNull(partnerGrants.revokedAt))).returning();
  if (revoked) return revoked;
  const [existing] = await db.select().from(partnerGrants).where(eq(partnerGrants.id, grantId));
  return existing ?? null;
}

export async function grantById(db: Database, grantId: string): Promise<PartnerGrantRow | null> {
  const [row] = await db.select().from(partnerGrants).where(eq(partnerGrants.id, grantId));
  return row ?? null;
}
