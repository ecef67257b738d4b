import { index, integer, numeric, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers.js";

export const accountStatus = pgEnum("account_status", ["open", "frozen", "closed"]);

export const accounts = pgTable(
  "accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    accountNumber: text("account_number"),
    product: text("product").notNull(),
    status: accountStatus("status").notNull().default("open"),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("accounts_customer_idx").on(t.customerId)],
);

/**
 * A tokenised card: never a full card number. Billing and delivery addresses are held as
 * structured columns so a mask can keep the city and country and drop the rest.
 */
export const paymentMethods = pgTable(
  "payment_methods",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    cardToken: text("card_token"),
    brand: text("brand"),
    lastFour: text("last_four"),
    expiry: text("expiry"),
    billingLine1: text("billing_line1"),
    billingPostalCode: text("billing_postal_code"),
    billingCity: text("billing_city"),
    billingCountry: text("billing_country"),
    deliveryLine1: text("delivery_line1"),
    deliveryPostalCode: text("delivery_postal_code"),
    deliveryCity: text("delivery_city"),
    deliveryCountry: text("delivery_country"),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("payment_methods_customer_idx").on(t.customerId)],
);

/** Products bought or registered (purchase history). Payment records fall under legal hold. */
export const purchases = pgTable(
  "purchases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    product: text("product"),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    purchasedAt: timestamp("purchased_at", { withTimezone: true }).notNull(),
    /** Reference kept under legal hold (bookkeeping) even after erasure. */
    invoiceRef: text("invoice_ref").notNull(),
    taxRate: numeric("tax_rate", { precision: 5, scale: 2 }),
  },
  (t) => [index("purchases_customer_idx").on(t.customerId)],
);

export type AccountRow = typeof accounts.$inferSelect;
export type PaymentMethodRow = typeof paymentMethods.$inferSelect;
export type PurchaseRow = typeof purchases.$inferSelect;
