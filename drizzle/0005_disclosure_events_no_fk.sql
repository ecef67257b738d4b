-- The per-row foreign key check locked the shared field set row (FOR KEY SHARE) in every insert of the log;
-- writeDisclosures inserts an event's field set in the same statement (see src/db/schema/privacy.ts).
ALTER TABLE "disclosure_events" DROP CONSTRAINT "disclosure_events_field_set_id_disclosure_field_sets_id_fk";
