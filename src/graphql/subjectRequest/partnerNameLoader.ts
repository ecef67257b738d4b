import DataLoader from "dataloader";
import { partners } from "../../db/schema/index.js";
import { anyOf } from "../../db/anyOf.js";
import type { RequestEnforcement } from "../../enforcement/createRequestEnforcement.js";
import type { PartnerKind } from "../../policy/caller.js";
import type { GatewayContext } from "../context.js";

export interface PartnerName {
  name: string;
  kind: PartnerKind;
}

/** Per-request loader of partners' names and kinds by id, null for an unknown id (keyed on the request's enforcement object, which lives as long as the request). */
const loaders = new WeakMap<RequestEnforcement, DataLoader<string, PartnerName | null>>();

export function partnerNameLoader(ctx: GatewayContext): DataLoader<string, PartnerName | null> {
  let loader = loaders.get(ctx.enforcement);
  if (!loader) {
    loader = new DataLoader(
      async (ids: readonly string[]) => {
        const rows = await ctx.db
          .select({ id: partners.id, name: partners.name, kind: partners.kind })
          .from(partners)
          .where(anyOf(partners.id, ids));
        const byId = new Map(rows.map((r) => [r.id, { name: r.name, kind: r.kind }]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: 1000 },
    );
    loaders.set(ctx.enforcement, loader);
  }
  return loader;
}
