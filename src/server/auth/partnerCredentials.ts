import { desc, eq } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { partnerGrants, partnerKeys, partners } from "../../db/schema/index.js";

/** The key's partner (narrow select: the secret hash is compared, never returned to callers). */
export async function findPartnerKey(db: Database, keyId: string) {
  const [row] = await db
    .select({
      keyId: partnerKeys.id,
      secretHash: partnerKeys.secretHash,
      revokedAt: partnerKeys.revokedAt,
      partnerId: partners.id,
      partnerKind: partners.kind,
      partnerRegion: partners.region,
      persistedOperationsOnly: partners.persistedOperationsOnly,
    })
    .from(partnerKeys)
    .innerJoin(partners, eq(partners.id, partnerKeys.partnerId))
    .where(eq(partnerKeys.id, keyId));
  return row ?? null;
}

/** The partner's grants, revoked ones too (a refusal says which it was), newest first. */
export function findPartnerGrants(db: Database, partnerId: string) {
  return db.select().from(partnerGrants).where(eq(partnerGrants.partnerId, partnerId)).orderBy(desc(partnerGrants.validFrom));
}
