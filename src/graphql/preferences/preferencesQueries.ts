import { getTableColumns } from "drizzle-orm";
import { childRows } from "../../db/childRows.js";
import { preferences } from "../../db/schema/index.js";

/** A customer's preferences (one row at most). */
export const customerPreferences = childRows(preferences, { columns: getTableColumns(preferences), customerId: preferences.customerId, one: true });
