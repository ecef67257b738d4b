import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import { consentEvents, customers, subjectRequests } from "../../src/db/schema/index.js";

/** A seeded subject in a given state, found through the database as any test would. */
export async function subjectWithStatus(db: Database, status: "active" | "restricted" | "erased"): Promise<string> {
  const [row] = await db.select({ id: customers.id }).from(customers).where(eq(customers.status, status)).orderBy(customers.id).limit(1);
  if (!row) throw new Error(`the seed has no ${status} customer`);
  return row.id;
}

/** Active subjects whose latest consent event for `purpose` is a withdrawal. */
export async function optedOutOf(db: Database, purpose: string): Promise<string[]> {
  const rows = await db
    .selectDistinctOn([consentEvents.customerId], { customerId: consentEvents.customerId, granted: consentEvents.granted })
    .from(consentEvents)
    .innerJoin(customers, eq(customers.id, consentEvents.customerId))
    .where(and(eq(consentEvents.purpose, purpose), eq(customers.status, "active")))
    .orderBy(consentEvents.customerId, desc(consentEvents.recordedAt), desc(consentEvents.id));
  return rows.filter((r) => !r.granted).map((r) => r.customerId);
}

/** Active subjects with a completed objection. */
export async function objectors(db: Database): Promise<string[]> {
  const rows = await db
    .select({ id: subjectRequests.customerId })
    .from(subjectRequests)
    .innerJoin(customers, eq(customers.id, subjectRequests.customerId))
    .where(and(eq(subjectRequests.kind, "objection"), eq(subjectRequests.state, "completed"), eq(customers.status, "active")));
  return rows.map((r) => r.id);
}
