import { getTableColumns } from "drizzle-orm";
import { childRows } from "../../db/childRows.js";
import { submittedMessages } from "../../db/schema/index.js";

/** Messages a customer sent, newest first. */
export const customerMessages = childRows(submittedMessages, {
  columns: getTableColumns(submittedMessages),
  customerId: submittedMessages.customerId,
  orderBy: [
    { column: submittedMessages.submittedAt, descending: true },
    { column: submittedMessages.id, descending: true },
  ],
});
