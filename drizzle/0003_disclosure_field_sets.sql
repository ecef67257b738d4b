CREATE TABLE "disclosure_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"caller_kind" text NOT NULL,
	"caller_id" text NOT NULL,
	"role" text NOT NULL,
	"purpose" text NOT NULL,
	"subject_request_id" uuid,
	"field_set_id" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
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
-- Records written before field sets move over, ids and times kept: each distinct combination of
-- lists becomes one set, named by a digest of its lists ("v0:" + md5; new sets use sha256).
INSERT INTO "disclosure_field_sets" ("id", "disclosed", "masked", "pseudonymized", "withheld")
SELECT DISTINCT 'v0:' || md5(json_build_array("disclosed", "masked", "pseudonymized", "withheld")::text), "disclosed", "masked", "pseudonymized", "withheld"
FROM "disclosure_log";--> statement-breakpoint
INSERT INTO "disclosure_events" ("id", "request_id", "customer_id", "caller_kind", "caller_id", "role", "purpose", "subject_request_id", "field_set_id", "recorded_at")
SELECT "id", "request_id", "customer_id", "caller_kind", "caller_id", "role", "purpose", "subject_request_id",
  'v0:' || md5(json_build_array("disclosed", "masked", "pseudonymized", "withheld")::text), "recorded_at"
FROM "disclosure_log";
