import type { Database } from "../../db/client.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { Purpose } from "../../policy/purposes.js";
import { purposeName } from "../common/purposeName.js";
import { objectionsByCustomer } from "./objectionQueries.js";

/**
 * Refuses an opt-in to a purpose that a completed objection of the customer still stops. An
 * objection is a formal request that the privacy office carried out; a consent toggle does not
 * undo it in passing: the customer lifts it (liftObjection), which is recorded on the request.
 * Without this, `me.consents` would say granted while every decision still excludes them.
 */
export async function refuseUnderObjection(db: Database, customerId: string, purpose: Purpose): Promise<void> {
  const inForce = (await objectionsByCustomer(db, [customerId])).filter((o) => o.purpose === purpose);
  if (inForce.length === 0) return;
  throw new GatewayError(
    ErrorCode.OBJECTION_IN_FORCE,
    `Your objection to ${purposeName(purpose)} is in force; lift it with liftObjection(purpose:) to allow ${purposeName(purpose)} again.`,
    { purpose: purposeName(purpose), requestIds: inForce.map((o) => o.requestId) },
  );
}
