import { index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers.js";

export const messageStatus = pgEnum("message_status", ["open", "closed"]);

/** Messages sent through the contact form. */
export const submittedMessages = pgTable(
  "submitted_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    subject: text("subject"),
    body: text("body"),
    status: messageStatus("status").notNull().default("open"),
    submittedAt: timestamp("submitted_at", { withTimezone: true }).notNull(),
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [index("submitted_messages_customer_idx").on(t.customerId)],
);

/** Automatically collected device and visit data. */
export const visits = pgTable(
  "visits",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    device: text("device"),
    operatingSystem: text("operating_system"),
    language: text("language"),
    referrer: text("referrer"),
    page: text("page"),
    visitedAt: timestamp("visited_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("visits_customer_time_idx").on(t.customerId, t.visitedAt)],
);

export type SubmittedMessageRow = typeof submittedMessages.$inferSelect;
export type VisitRow = typeof visits.$inferSelect;
