-- The log is appended to and read by subject, request or time, never by id: the unique index on the random id
-- cost every insert a random-page write and served no query. The id stays, generated (see src/db/schema/privacy.ts).
ALTER TABLE "disclosure_events" DROP CONSTRAINT "disclosure_events_id_recorded_at_pk";