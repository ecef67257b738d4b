import { asc, isNull } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { partnerGrants, partners } from "../db/schema/index.js";
import type { PartnerKind } from "../policy/caller.js";

/** A partner's grant as the record of processing shows it (no ids, no keys). */
export interface RecipientGrant {
  purposes: string[];
  categories: string[];
  subjectScope: "all" | "consented" | "linked";
  regions: string[];
  transferBasis: string | null;
  validFrom: string;
  validUntil: string;
}

/** A recipient: a partner and its grants that are not revoked. */
export interface Recipient {
  name: string;
  kind: PartnerKind;
  region: string;
  contractRef: string;
  grants: RecipientGrant[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The partners and their unrevoked grants, in a stable order (by name, then grant start). */
export async function loadRecipients(db: Database): Promise<Recipient[]> {
  const rows = await db
    .select({
      partnerId: partners.id,
      name: partners.name,
      kind: partners.kind,
      region: partners.region,
      contractRef: partners.contractRef,
    })
    .from(partners)
    .orderBy(asc(partners.name), asc(partners.id));
  const grants = await db
    .select()
    .from(partnerGrants)
    .where(isNull(partnerGrants.revokedAt))
    .orderBy(asc(partnerGrants.validFrom), asc(partnerGrants.id));
  return rows.map((p) => ({
    name: p.name,
    kind: p.kind,
    region: p.region,
    contractRef: p.contractRef,
    grants: grants
      .filter((g) => g.partnerId === p.partnerId)
      .map((g) => ({
        purposes: [...g.purposes],
        categories: [...g.categories],
        subjectScope: g.subjectScope,
        regions: [...g.regions],
        transferBasis: g.transferBasis && g.transferBasis.trim() !== "" ? g.transferBasis : null,
        validFrom: day(g.validFrom),
        validUntil: day(g.validUntil),
      })),
  }));
}
