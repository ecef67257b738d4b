DROP TABLE "disclosure_log" CASCADE;--> statement-breakpoint
-- The disclosure log as it reads: one row per (request, subject) with its coordinates by effect,
-- as the table of that name was before its lists moved into field sets (0003). A left join, equal
-- to an inner one here (every event's set exists: not null, foreign key), lets PostgreSQL skip
-- the field sets when a query reads none of their columns (the access report's recipients).
CREATE VIEW "disclosure_log" AS
SELECT e."id", e."request_id", e."customer_id", e."caller_kind", e."caller_id", e."role", e."purpose", e."subject_request_id",
  s."disclosed", s."masked", s."pseudonymized", s."withheld", e."recorded_at"
FROM "disclosure_events" e LEFT JOIN "disclosure_field_sets" s ON s."id" = e."field_set_id";
