-- Every disclosure record names the policy that decided it (the policy file's version and its content hash).
-- Records written before were decided by the policy of the code, version 2026-11-01.
ALTER TABLE "disclosure_events" ADD COLUMN "policy_version" text NOT NULL DEFAULT '2026-11-01';--> statement-breakpoint
ALTER TABLE "disclosure_events" ALTER COLUMN "policy_version" DROP DEFAULT;--> statement-breakpoint
DROP VIEW "disclosure_log";--> statement-breakpoint
CREATE VIEW "disclosure_log" AS
SELECT e."id", e."request_id", e."customer_id", e."caller_kind", e."caller_id", e."role", e."purpose", e."subject_request_id",
  e."policy_version", s."disclosed", s."masked", s."pseudonymized", s."withheld", e."recorded_at"
FROM "disclosure_events" e LEFT JOIN "disclosure_field_sets" s ON s."id" = e."field_set_id";
