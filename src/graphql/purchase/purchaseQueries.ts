import { childRows } from "../../db/childRows.js";
import { purchases } from "../../db/schema/index.js";

/** Purchase history, newest first; the invoice reference and tax rate stay in the database (bookkeeping only). */
export const customerPurchases = childRows(purchases, {
  columns: {
    id: purchases.id,
    customerId: purchases.customerId,
    product: purchases.product,
    amountCents: purchases.amountCents,
    currency: purchases.currency,
    purchasedAt: purchases.purchasedAt,
  },
  customerId: purchases.customerId,
  orderBy: [
    { column: purchases.purchasedAt, descending: true },
    { column: purchases.id, descending: true },
  ],
});
