import { desc } from "drizzle-orm";
import { anyOf } from "../../db/anyOf.js";
import type { Database } from "../../db/client.js";
import { submittedMessages } from "../../db/schema/index.js";

export function messagesByCustomer(db: Database, ids: readonly string[]) {
  return db.select().from(submittedMessages).where(anyOf(submittedMessages.customerId, ids))
    .orderBy(desc(submittedMessages.submittedAt), desc(submittedMessages.id));
}
