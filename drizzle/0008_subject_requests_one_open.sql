-- At most one open (received or verified) request per subject and kind. A database that already holds
-- several keeps one (a verified one before a received one, then the oldest) and rejects the others as
-- duplicates, each with its event, so that the index can be built (src/db/schema/privacy.ts).
WITH "ranked" AS (
	SELECT "id", "customer_id", "state", row_number() OVER (PARTITION BY "customer_id", "kind" ORDER BY ("state" = 'verified') DESC, "received_at", "id") AS "n"
	FROM "subject_requests" WHERE "state" in ('received', 'verified')
), "closed" AS (
	UPDATE "subject_requests" r SET "state" = 'rejected', "closed_at" = now()
	FROM "ranked" WHERE r."id" = "ranked"."id" AND "ranked"."n" > 1
	RETURNING r."id", r."customer_id", "ranked"."state" AS "from_state"
)
INSERT INTO "subject_request_events" ("request_id", "customer_id", "from_state", "to_state", "actor_kind", "actor_id", "note")
SELECT "id", "customer_id", "from_state", 'rejected', 'system', 'migration-0008', 'REJECTED:DUPLICATE' FROM "closed";--> statement-breakpoint
CREATE UNIQUE INDEX "subject_requests_one_open_idx" ON "subject_requests" USING btree ("customer_id","kind") WHERE "subject_requests"."state" in ('received', 'verified');
