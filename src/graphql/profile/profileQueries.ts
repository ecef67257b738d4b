import { eq } from "drizzle-orm";
import { anyOf } from "../../db/anyOf.js";
import type { Database } from "../../db/client.js";
import { profiles, type ProfileRow } from "../../db/schema/index.js";

export function profilesByCustomer(db: Database, ids: readonly string[]) {
  return db.select().from(profiles).where(anyOf(profiles.customerId, ids));
}

export type ProfileChanges = Partial<Omit<ProfileRow, "customerId" | "updatedAt">>;

/** Applies a correction; returns the updated row, or null when the customer has no profile. */
export async function updateProfile(db: Database, customerId: string, changes: ProfileChanges) {
  const [row] = await db.update(profiles).set({ ...changes, updatedAt: new Date() })
    .where(eq(profiles.customerId, customerId)).returning();
  return row ?? null;
}
