import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { partnerPersistedOperations, partners } from "../../db/schema/index.js";

export interface PartnerOperationLookup {
  /** The partner is held to its allowlist. */
  persistedOperationsOnly: boolean;
  /** The registered, unrevoked document under the hash asked for; null when there is none (or no hash was asked for). */
  document: string | null;
}

/**
 * One statement: whether the partner is held to its allowlist and, when `sha256` is given, the
 * document it registered under that hash. Null when the partner no longer exists.
 */
export async function findPersistedOperation(
  db: Database,
  partnerId: string,
  sha256: string | null,
): Promise<PartnerOperationLookup | null> {
  const [row] = await db
    .select({ persistedOperationsOnly: partners.persistedOperationsOnly, document: partnerPersistedOperations.document })
    .from(partners)
    .leftJoin(
      partnerPersistedOperations,
      and(
        eq(partnerPersistedOperations.partnerId, partners.id),
        sha256 === null ? sql`false` : eq(partnerPersistedOperations.sha256, sha256),
        isNull(partnerPersistedOperations.revokedAt),
      ),
    )
    .where(eq(partners.id, partnerId));
  return row ?? null;
}
