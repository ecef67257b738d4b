import { eq } from "drizzle-orm";
import { disclosureLog, type DisclosureRow } from "../../src/db/schema/index.js";
import type { TestGateway } from "./testGateway.js";

/** The disclosure log's rows of the request that gave this answer (by its `x-request-id`). */
export async function recordsOfAnswer(gw: TestGateway, res: { headers: Headers }): Promise<DisclosureRow[]> {
  return (await gw.database.db
    .select()
    .from(disclosureLog)
    .where(eq(disclosureLog.requestId, res.headers.get("x-request-id")!))) as DisclosureRow[];
}
