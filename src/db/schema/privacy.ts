import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgEnum, pgTable, pgView, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers.js";

/** The channels a customer may prefer to be contacted through (`preferences.preferred_channel`). */
export const CONTACT_CHANNELS = ["email", "app", "sms", "phone", "post"] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** Communication preferences: one row per customer. */
export const preferences = pgTable("preferences", {
  customerId: uuid("customer_id")
    .primaryKey()
    .references(() => customers.id),
  emailNewsletter: boolean("email_newsletter").notNull().default(false),
  smsOffers: boolean("sms_offers").notNull().default(false),
  postalMail: boolean("postal_mail").notNull().default(false),
  preferredChannel: text("preferred_channel").$type<ContactChannel>(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Consent purpose of an opt-in to sharing with one partner (`partner_id` set). */
export const PARTNER_SHARING_PURPOSE = "third_party_sharing";

/**
 * Consent events, append-only: the current state of a purpose is its latest event. `partnerId`
 * is set for an opt-in to sharing with one third party. Never updated or deleted but by erasure.
 */
export const consentEvents = pgTable(
  "consent_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    purpose: text("purpose").notNull(),
    partnerId: uuid("partner_id"),
    granted: boolean("granted").notNull(),
    /** Where the choice came from: `web`, `app`, `gpc` (Sec-GPC header), `gpc_conflict` (src/graphql/consent/recordGpcSignal.ts), `support`, `import`, `dsr`. */
    source: text("source").notNull(),
    policyVersion: text("policy_version").notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("consent_events_customer_idx").on(t.customerId, t.recordedAt)],
);

export const subjectRequestKind = pgEnum("subject_request_kind", [
  "access",
  "portability",
  "rectification",
  "erasure",
  "restriction",
  "objection",
]);
export const subjectRequestState = pgEnum("subject_request_state", ["received", "verified", "completed", "rejected"]);

/**
 * Data-subject requests. `detail` holds request parameters (purposes objected to, ...) and what
 * completing did (`outcome`), never values. At most one open (received or verified) request per
 * subject and kind: the partial unique index decides between two filed at once (migration 0008).
 */
export const subjectRequests = pgTable(
  "subject_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id),
    kind: subjectRequestKind("kind").notNull(),
    state: subjectRequestState("state").notNull().default("received"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [
    index("subject_requests_customer_idx").on(t.customerId),
    uniqueIndex("subject_requests_one_open_idx").on(t.customerId, t.kind).where(sql`${t.state} in ('received', 'verified')`),
  ],
);

/** A disclosure record's field coordinates by effect (columns of the field sets and of the log's view). */
export const disclosureLists = () => ({
  disclosed: text("disclosed").array().notNull(),
  masked: text("masked").array().notNull(),
  pseudonymized: text("pseudonymized").array().notNull(),
  withheld: text("withheld").array().notNull(),
});

/** Who read whose data, for what (columns of the log's events and of its view). */
export const disclosureParties = () => ({
  requestId: text("request_id").notNull(),
  customerId: uuid("customer_id").notNull(),
  callerKind: text("caller_kind").notNull(),
  callerId: text("caller_id").notNull(),
  role: text("role").notNull(),
  purpose: text("purpose").notNull(),
  subjectRequestId: uuid("subject_request_id"),
  /** The policy that decided the reads (`Policy.version`: the file's version and its content hash). */
  policyVersion: text("policy_version").notNull(),
});

/**
 * The field coordinates of disclosure records, by effect, stored once per distinct combination
 * (a page of a hundred subjects usually has one or two): `id` is a digest of the four lists.
 * Coordinates only, nothing of any subject.
 */
export const disclosureFieldSets = pgTable("disclosure_field_sets", {
  id: text("id").primaryKey(),
  ...disclosureLists(),
});

/**
 * The disclosure log as written: one record per (request, subject) that read personal data, its
 * coordinates and effects in a field set. Read it through `disclosure_log`. Partitioned by month
 * of `recorded_at` (UTC) with a default partition, which Drizzle does not declare: see migration
 * 0003 and src/db/ensureDisclosurePartitions.ts. No primary key (migration 0007): the log is only
 * appended to and read by subject, request or time, never by `id`, so a unique index on the
 * random `id` cost every insert a random-page write (about 0.3 of a page's 1.1 ms of insert and
 * a fifth of its WAL) and served no query; `id` stays, generated, unique by construction.
 */
export const disclosureEvents = pgTable(
  "disclosure_events",
  {
    id: uuid("id").notNull().defaultRandom(),
    ...disclosureParties(),
    // No foreign key: its per-row check would lock the shared field set row (FOR KEY SHARE) in
    // every insert. writeDisclosures inserts an event's set in the same statement, or counts it
    // there when its writer has stored it before (and writes it again if it is gone); nothing
    // deletes a set, and test/enforcement/createDisclosureWriter.test.ts checks that every event finds its set.
    fieldSetId: text("field_set_id").notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("disclosure_events_customer_idx").on(t.customerId, t.recordedAt), index("disclosure_events_request_idx").on(t.requestId)],
);

/**
 * The disclosure log, as it reads: one record per (request, subject) that read personal data,
 * with its field coordinates by effect. Coordinates and effects only: a value is never written
 * here. A view over `disclosure_events` and `disclosure_field_sets` (migration 0004); written
 * through src/enforcement/disclosureRecords.ts.
 */
export const disclosureLog = pgView("disclosure_log", {
  id: uuid("id").notNull(),
  ...disclosureParties(),
  ...disclosureLists(),
  recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
}).existing();

/** Every state change of a data-subject request, who made it and when (never a personal value). */
export const subjectRequestEvents = pgTable(
  "subject_request_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    requestId: uuid("request_id")
      .notNull()
      .references(() => subjectRequests.id),
    customerId: uuid("customer_id").notNull(),
    fromState: subjectRequestState("from_state"),
    toState: subjectRequestState("to_state").notNull(),
    actorKind: text("actor_kind").notNull(),
    actorId: text("actor_id").notNull(),
    /** A short machine-readable note (`IDENTITY_VERIFIED`, `ERASED_ROWS:12`), never a value. */
    note: text("note"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("subject_request_events_request_idx").on(t.requestId, t.at)],
);

/** What each run of the retention purge did, per table (counts only). */
export const purgeRuns = pgTable("purge_runs", {
  id: uuid("id").primaryKey().defaultRandom(),
  ranAt: timestamp("ran_at", { withTimezone: true }).notNull().defaultNow(),
  report: jsonb("report").$type<Record<string, unknown>>().notNull(),
});

export type ConsentEventRow = typeof consentEvents.$inferSelect;
export type PreferencesRow = typeof preferences.$inferSelect;
export type SubjectRequestRow = typeof subjectRequests.$inferSelect;
/** One disclosure record as the gateway writes it (the log's row without its generated id). */
export type DisclosureRow = Omit<typeof disclosureLog.$inferSelect, "id">;
