import { getTableColumns } from "drizzle-orm";
import { childRows } from "../../db/childRows.js";
import type { Database } from "../../db/client.js";
import { preferences, type PreferencesRow } from "../../db/schema/index.js";

/** A customer's preferences (one row at most). */
export const customerPreferences = childRows(preferences, {
  columns: getTableColumns(preferences),
  customerId: preferences.customerId,
  one: true,
});

export type PreferencesChanges = Partial<Pick<PreferencesRow, "emailNewsletter" | "smsOffers" | "postalMail" | "preferredChannel">>;

/** Applies a change in one statement; a customer without a row gets one (the columns' defaults for the rest). Returns the row. */
export async function updatePreferences(db: Database, customerId: string, changes: PreferencesChanges): Promise<PreferencesRow> {
  const set = { ...changes, updatedAt: new Date() };
  const [row] = await db
    .insert(preferences)
    .values({ customerId, ...set })
    .onConflictDoUpdate({ target: preferences.customerId, set })
    .returning();
  return row!;
}
