import { getTableColumns } from "drizzle-orm";
import { childRows } from "../../db/childRows.js";
import { paymentMethods } from "../../db/schema/index.js";

/** A customer's payment methods, oldest first. */
export const customerPaymentMethods = childRows(paymentMethods, {
  columns: getTableColumns(paymentMethods), customerId: paymentMethods.customerId,
  orderBy: [{ column: paymentMethods.addedAt }, { column: paymentMethods.id }],
});
