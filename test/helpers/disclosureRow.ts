import { randomUUID } from "node:crypto";
import type { DisclosureRow } from "../../src/db/schema/index.js";

/** A disclosure record of a support agent's read of one email, now, with fresh request and subject ids unless `fields` say otherwise. */
export function disclosureRow(fields: Partial<DisclosureRow> = {}): DisclosureRow {
  return {
    requestId: randomUUID(),
    customerId: randomUUID(),
    callerKind: "staff",
    callerId: "s-1",
    role: "support_agent",
    purpose: "customer_support",
    policyVersion: "2026-11-01",
    subjectRequestId: null,
    disclosed: ["Profile.email"],
    masked: [],
    pseudonymized: [],
    withheld: [],
    recordedAt: new Date(),
    ...fields,
  };
}
