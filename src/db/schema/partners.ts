import { boolean, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers.js";

export const partnerKind = pgEnum("partner_kind", ["affiliate", "service_provider", "third_party"]);

export const partners = pgTable("partners", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  kind: partnerKind("kind").notNull(),
  /** Region the partner receives data in; differing from a subject's residency is a transfer. */
  region: text("region").notNull(),
  contractRef: text("contract_ref").notNull(),
  /** Held to its allowlist: every operation must be one of its registered persisted operations. */
  persistedOperationsOnly: boolean("persisted_operations_only").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** API keys: only a SHA-256 of the secret is stored; several per partner for rotation. */
export const partnerKeys = pgTable(
  "partner_keys",
  {
    id: text("id").primaryKey(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    secretHash: text("secret_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("partner_keys_partner_idx").on(t.partnerId)],
);

export const subjectScope = pgEnum("subject_scope", ["all", "consented", "linked"]);

export const partnerGrants = pgTable(
  "partner_grants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    purposes: text("purposes").array().notNull(),
    /** Category key prefixes, Fides style: `user.contact` covers `user.contact.email`. */
    categories: text("categories").array().notNull(),
    subjectScope: subjectScope("subject_scope").notNull(),
    regions: text("regions").array().notNull(),
    transferBasis: text("transfer_basis"),
    validFrom: timestamp("valid_from", { withTimezone: true }).notNull(),
    validUntil: timestamp("valid_until", { withTimezone: true }).notNull(),
    requestsPerMinute: integer("requests_per_minute").notNull().default(600),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("partner_grants_partner_idx").on(t.partnerId)],
);

/** Subjects linked to a partner (customers the partner brought or serves): `linked` scope. */
export const partnerLinks = pgTable(
  "partner_links",
  {
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.customerId] }), index("partner_links_customer_idx").on(t.customerId)],
);

/**
 * Fixed-window request counters per partner key, shared by every replica through PostgreSQL:
 * one row per (key, minute), incremented atomically.
 */
export const rateLimitWindows = pgTable(
  "rate_limit_windows",
  {
    key: text("key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

/**
 * A partner's persisted operations, registered by the privacy office: the allowlist of a partner
 * held to it, and documents any partner may send by hash alone. `sha256` is the hex SHA-256 of
 * `document`, the normalised text (src/server/persistedOperations/normaliseOperation.ts).
 * Revoked rows are kept for the record; registering the same document again reinstates it.
 */
export const partnerPersistedOperations = pgTable(
  "partner_persisted_operations",
  {
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    sha256: text("sha256").notNull(),
    document: text("document").notNull(),
    operationName: text("operation_name"),
    registeredAt: timestamp("registered_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.sha256] })],
);

export type PartnerRow = typeof partners.$inferSelect;
export type PartnerGrantRow = typeof partnerGrants.$inferSelect;
export type PersistedOperationRow = typeof partnerPersistedOperations.$inferSelect;

/** What the privacy office did to a partner, its keys, grants and allowed operations. */
export const partnerAdminAction = pgEnum("partner_admin_action", [
  "partner_created",
  "api_key_issued",
  "api_key_revoked",
  "grant_created",
  "grant_revoked",
  "persisted_operation_registered",
  "persisted_operation_revoked",
  "persisted_operations_only_set",
]);

/**
 * Every change the privacy office made to a partner's access, who made it and when, written in
 * the same transaction as the change itself: a grant or key that exists has its event. Ids and
 * short machine-readable notes only (never a key, a secret or a personal value).
 */
export const partnerAdminEvents = pgTable(
  "partner_admin_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    action: partnerAdminAction("action").notNull(),
    /** What the action was on: a key id, a grant id, an operation's hash; null for the partner itself. */
    target: text("target"),
    actorId: text("actor_id").notNull(),
    /** `ALREADY_REVOKED`, `REINSTATED`, `ENABLED`, `DISABLED`: what else the action found or did. */
    note: text("note"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("partner_admin_events_partner_idx").on(t.partnerId, t.at)],
);
