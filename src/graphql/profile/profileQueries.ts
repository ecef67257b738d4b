import { eq, getTableColumns } from "drizzle-orm";
import { childRows } from "../../db/childRows.js";
import type { Database } from "../../db/client.js";
import { profiles, type ProfileRow } from "../../db/schema/index.js";
import type { AddressColumns } from "./Address.js";

/** A customer's profile (one at most). */
export const customerProfile = childRows(profiles, { columns: getTableColumns(profiles), customerId: profiles.customerId, one: true });

/** The profile columns of its postal address (`Profile.address`). */
export const PROFILE_ADDRESS = {
  line1: "addressLine1",
  line2: "addressLine2",
  postalCode: "postalCode",
  city: "city",
  country: "country",
} as const satisfies AddressColumns<ProfileRow>;

export type ProfileChanges = Partial<Omit<ProfileRow, "customerId" | "updatedAt">>;

/** Applies a correction; returns the updated row, or null when the customer has no profile. */
export async function updateProfile(db: Database, customerId: string, changes: ProfileChanges) {
  const [row] = await db
    .update(profiles)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(profiles.customerId, customerId))
    .returning();
  return row ?? null;
}
