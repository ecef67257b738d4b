CREATE TYPE "public"."partner_admin_action" AS ENUM('partner_created', 'api_key_issued', 'api_key_revoked', 'grant_created', 'grant_revoked', 'persisted_operation_registered', 'persisted_operation_revoked', 'persisted_operations_only_set');--> statement-breakpoint
CREATE TABLE "partner_admin_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partner_id" uuid NOT NULL,
	"action" "partner_admin_action" NOT NULL,
	"target" text,
	"actor_id" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "partner_admin_events" ADD CONSTRAINT "partner_admin_events_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "partner_admin_events_partner_idx" ON "partner_admin_events" USING btree ("partner_id","at");