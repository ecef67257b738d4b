CREATE TYPE "public"."customer_status" AS ENUM('active', 'restricted', 'erased');--> statement-breakpoint
CREATE TYPE "public"."account_status" AS ENUM('open', 'frozen', 'closed');--> statement-breakpoint
CREATE TYPE "public"."message_status" AS ENUM('open', 'closed');--> statement-breakpoint
CREATE TYPE "public"."subject_request_kind" AS ENUM('access', 'portability', 'rectification', 'erasure', 'restriction', 'objection');--> statement-breakpoint
CREATE TYPE "public"."subject_request_state" AS ENUM('received', 'verified', 'completed', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."partner_kind" AS ENUM('affiliate', 'service_provider', 'third_party');--> statement-breakpoint
CREATE TYPE "public"."subject_scope" AS ENUM('all', 'consented', 'linked');--> statement-breakpoint
CREATE TABLE "credentials" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"password_hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" "customer_status" DEFAULT 'active' NOT NULL,
	"residency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"erased_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"full_name" text,
	"display_name" text,
	"email" text,
	"phone" text,
	"address_line1" text,
	"address_line2" text,
	"postal_code" text,
	"city" text,
	"country" text,
	"username" text,
	"language" text,
	"social_handle" text,
	"social_picture_url" text,
	"social_likes" text[],
	"location_latitude" double precision,
	"location_longitude" double precision,
	"location_recorded_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"account_number" text,
	"product" text NOT NULL,
	"status" "account_status" DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_methods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"card_token" text,
	"brand" text,
	"last_four" text,
	"expiry" text,
	"billing_line1" text,
	"billing_postal_code" text,
	"billing_city" text,
	"billing_country" text,
	"delivery_line1" text,
	"delivery_postal_code" text,
	"delivery_city" text,
	"delivery_country" text,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "purchases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"product" text,
	"amount_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"purchased_at" timestamp with time zone NOT NULL,
	"invoice_ref" text NOT NULL,
	"tax_rate" numeric(5, 2)
);
--> statement-breakpoint
CREATE TABLE "submitted_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"subject" text,
	"body" text,
	"status" "message_status" DEFAULT 'open' NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "visits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"ip_address" text,
	"user_agent" text,
	"device" text,
	"operating_system" text,
	"language" text,
	"referrer" text,
	"page" text,
	"visited_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consent_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"partner_id" uuid,
	"granted" boolean NOT NULL,
	"source" text NOT NULL,
	"policy_version" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosure_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"caller_kind" text NOT NULL,
	"caller_id" text NOT NULL,
	"role" text NOT NULL,
	"purpose" text NOT NULL,
	"subject_request_id" uuid,
	"disclosed" text[] NOT NULL,
	"masked" text[] NOT NULL,
	"pseudonymized" text[] NOT NULL,
	"withheld" text[] NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "preferences" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"email_newsletter" boolean DEFAULT false NOT NULL,
	"sms_offers" boolean DEFAULT false NOT NULL,
	"postal_mail" boolean DEFAULT false NOT NULL,
	"preferred_channel" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subject_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" "subject_request_kind" NOT NULL,
	"state" "subject_request_state" DEFAULT 'received' NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"verified_at" timestamp with time zone,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "partner_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partner_id" uuid NOT NULL,
	"purposes" text[] NOT NULL,
	"categories" text[] NOT NULL,
	"subject_scope" "subject_scope" NOT NULL,
	"regions" text[] NOT NULL,
	"transfer_basis" text,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"requests_per_minute" integer DEFAULT 600 NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "partner_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"partner_id" uuid NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "partner_links" (
	"partner_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	CONSTRAINT "partner_links_partner_id_customer_id_pk" PRIMARY KEY("partner_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "partners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "partner_kind" NOT NULL,
	"region" text NOT NULL,
	"contract_ref" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profiles" ADD CONSTRAINT "profiles_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_methods" ADD CONSTRAINT "payment_methods_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submitted_messages" ADD CONSTRAINT "submitted_messages_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "preferences" ADD CONSTRAINT "preferences_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_requests" ADD CONSTRAINT "subject_requests_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_grants" ADD CONSTRAINT "partner_grants_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_keys" ADD CONSTRAINT "partner_keys_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_links" ADD CONSTRAINT "partner_links_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_links" ADD CONSTRAINT "partner_links_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "profiles_email_idx" ON "profiles" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "accounts_customer_idx" ON "accounts" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "payment_methods_customer_idx" ON "payment_methods" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "purchases_customer_idx" ON "purchases" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "submitted_messages_customer_idx" ON "submitted_messages" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "visits_customer_time_idx" ON "visits" USING btree ("customer_id","visited_at");--> statement-breakpoint
CREATE INDEX "consent_events_customer_idx" ON "consent_events" USING btree ("customer_id","recorded_at");--> statement-breakpoint
CREATE INDEX "disclosure_log_customer_idx" ON "disclosure_log" USING btree ("customer_id","recorded_at");--> statement-breakpoint
CREATE INDEX "disclosure_log_request_idx" ON "disclosure_log" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "subject_requests_customer_idx" ON "subject_requests" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "partner_grants_partner_idx" ON "partner_grants" USING btree ("partner_id");--> statement-breakpoint
CREATE INDEX "partner_keys_partner_idx" ON "partner_keys" USING btree ("partner_id");--> statement-breakpoint
CREATE INDEX "partner_links_customer_idx" ON "partner_links" USING btree ("customer_id");