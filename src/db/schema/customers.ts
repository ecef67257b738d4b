import { sql } from "drizzle-orm";
import { doublePrecision, index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A data subject. Every other table that holds a subject's data carries `customer_id`. */
export const customerStatus = pgEnum("customer_status", ["active", "restricted", "erased"]);

export const customers = pgTable("customers", {
  id: uuid("id").primaryKey().defaultRandom(),
  status: customerStatus("status").notNull().default("active"),
  /** Region code of the subject's residency (EU, UK, US, CA, BR, ...): drives transfer rules. */
  residency: text("residency").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  /** Set when erasure completed; the row stays as a tombstone so a late write cannot re-create it. */
  erasedAt: timestamp("erased_at", { withTimezone: true }),
});

/** The profile: one per customer. Every column but the keys and timestamps is personal. */
export const profiles = pgTable(
  "profiles",
  {
    customerId: uuid("customer_id")
      .primaryKey()
      .references(() => customers.id),
    fullName: text("full_name"),
    displayName: text("display_name"),
    email: text("email"),
    phone: text("phone"),
    addressLine1: text("address_line1"),
    addressLine2: text("address_line2"),
    postalCode: text("postal_code"),
    city: text("city"),
    country: text("country"),
    username: text("username"),
    language: text("language"),
    socialHandle: text("social_handle"),
    socialPictureUrl: text("social_picture_url"),
    socialLikes: text("social_likes").array(),
    locationLatitude: doublePrecision("location_latitude"),
    locationLongitude: doublePrecision("location_longitude"),
    locationRecordedAt: timestamp("location_recorded_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("profiles_email_idx").on(sql`lower(${t.email})`)],
);

/** Sign-in secrets. Deliberately never exposed through GraphQL (see test/db/personalColumns.test.ts). */
export const credentials = pgTable("credentials", {
  customerId: uuid("customer_id")
    .primaryKey()
    .references(() => customers.id),
  passwordHash: text("password_hash").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type CustomerRow = typeof customers.$inferSelect;
export type ProfileRow = typeof profiles.$inferSelect;
