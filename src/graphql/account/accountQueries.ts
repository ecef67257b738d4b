import { getTableColumns } from "drizzle-orm";
import { childRows } from "../../db/childRows.js";
import { accounts } from "../../db/schema/index.js";

/** A customer's accounts, oldest first. */
export const customerAccounts = childRows(accounts, {
  columns: getTableColumns(accounts),
  customerId: accounts.customerId,
  orderBy: [{ column: accounts.openedAt }, { column: accounts.id }],
});
