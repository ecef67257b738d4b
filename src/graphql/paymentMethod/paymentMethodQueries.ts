import { getTableColumns } from "drizzle-orm";
import { childRows } from "../../db/childRows.js";
import { paymentMethods, type PaymentMethodRow } from "../../db/schema/index.js";
import type { AddressColumns } from "../profile/Address.js";

/** A customer's payment methods, oldest first. */
export const customerPaymentMethods = childRows(paymentMethods, {
  columns: getTableColumns(paymentMethods),
  customerId: paymentMethods.customerId,
  orderBy: [{ column: paymentMethods.addedAt }, { column: paymentMethods.id }],
});

/** A payment method's columns of its billing address (`PaymentMethod.billingAddress`). */
export const BILLING_ADDRESS = {
  line1: "billingLine1",
  postalCode: "billingPostalCode",
  city: "billingCity",
  country: "billingCountry",
} as const satisfies AddressColumns<PaymentMethodRow>;

/** A payment method's columns of its delivery address (`PaymentMethod.deliveryAddress`). */
export const DELIVERY_ADDRESS = {
  line1: "deliveryLine1",
  postalCode: "deliveryPostalCode",
  city: "deliveryCity",
  country: "deliveryCountry",
} as const satisfies AddressColumns<PaymentMethodRow>;
