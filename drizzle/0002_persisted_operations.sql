CREATE TABLE "partner_persisted_operations" (
	"partner_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"document" text NOT NULL,
	"operation_name" text,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "partner_persisted_operations_partner_id_sha256_pk" PRIMARY KEY("partner_id","sha256")
);
--> statement-breakpoint
ALTER TABLE "partners" ADD COLUMN "persisted_operations_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "partner_persisted_operations" ADD CONSTRAINT "partner_persisted_operations_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;