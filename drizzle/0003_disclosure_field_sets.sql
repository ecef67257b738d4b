CREATE TABLE "disclosure_events" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"request_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"caller_kind" text NOT NULL,
	"caller_id" text NOT NULL,
	"role" text NOT NULL,
	"purpose" text NOT NULL,
	"subject_request_id" uuid,
	"field_set_id" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "disclosure_events_id_recorded_at_pk" PRIMARY KEY("id","recorded_at")
) PARTITION BY RANGE ("recorded_at");
--> statement-breakpoint
CREATE TABLE "disclosure_field_sets" (
	"id" text PRIMARY KEY NOT NULL,
	"disclosed" text[] NOT NULL,
	"masked" text[] NOT NULL,
	"pseudonymized" text[] NOT NULL,
	"withheld" text[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "disclosure_events" ADD CONSTRAINT "disclosure_events_field_set_id_disclosure_field_sets_id_fk" FOREIGN KEY ("field_set_id") REFERENCES "public"."disclosure_field_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disclosure_events_customer_idx" ON "disclosure_events" USING btree ("customer_id","recorded_at");--> statement-breakpoint
CREATE INDEX "disclosure_events_request_idx" ON "disclosure_events" USING btree ("request_id");--> statement-breakpoint
-- The disclosure log is partitioned by month (UTC), as DESIGN.md section 9 asks: a month can be
-- archived or dropped whole. Rows of a month without a partition go to the default partition, so
-- a write never fails for want of one. This function creates the partitions of `months` months
-- from `first`'s month, skipping any that exist; a month whose rows already sit in the default
-- partition is left there (its partition can no longer be created). The gateway calls it at
-- start-up and daily (src/db/ensureDisclosurePartitions.ts).
CREATE TABLE "disclosure_events_default" PARTITION OF "disclosure_events" DEFAULT;--> statement-breakpoint
CREATE FUNCTION "disclosure_events_ensure_partitions"("first" date, "months" integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  "month" date;
BEGIN
  FOR i IN 0 .. "months" - 1 LOOP
    "month" := (date_trunc('month', "first") + make_interval(months => i))::date;
    BEGIN
      EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF "disclosure_events" FOR VALUES FROM (%L) TO (%L)',
        'disclosure_events_' || to_char("month", 'YYYY_MM'),
        "month"::timestamp AT TIME ZONE 'UTC', ("month" + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    EXCEPTION
      -- rows of that month already in the default partition; or another replica created it meanwhile
      WHEN check_violation OR duplicate_table OR unique_violation THEN NULL;
    END;
  END LOOP;
END
$$;--> statement-breakpoint
SELECT "disclosure_events_ensure_partitions"(m, 1)
FROM (SELECT DISTINCT (date_trunc('month', "recorded_at" AT TIME ZONE 'UTC'))::date AS m FROM "disclosure_log") AS months;--> statement-breakpoint
-- Records written before field sets move over, ids and times kept: each distinct combination of
-- lists becomes one set, named by a digest of its lists ("v0:" + md5; new sets use sha256).
INSERT INTO "disclosure_field_sets" ("id", "disclosed", "masked", "pseudonymized", "withheld")
SELECT DISTINCT 'v0:' || md5(json_build_array("disclosed", "masked", "pseudonymized", "withheld")::text), "disclosed", "masked", "pseudonymized", "withheld"
FROM "disclosure_log";--> statement-breakpoint
INSERT INTO "disclosure_events" ("id", "request_id", "customer_id", "caller_kind", "caller_id", "role", "purpose", "subject_request_id", "field_set_id", "recorded_at")
SELECT "id", "request_id", "customer_id", "caller_kind", "caller_id", "role", "purpose", "subject_request_id",
  'v0:' || md5(json_build_array("disclosed", "masked", "pseudonymized", "withheld")::text), "recorded_at"
FROM "disclosure_log";
