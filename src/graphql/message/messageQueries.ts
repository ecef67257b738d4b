import { desc, inArray } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { submittedMessages } from "../../db/schema/index.js";

export function messagesByCustomer(db: Database, ids: readonly string[]) {
  return db.select().from(submittedMessages).where(inArray(submittedMessages.customerId, [...ids]))
    .orderBy(desc(submittedMessages.submittedAt), desc(submittedMessages.id));
}
