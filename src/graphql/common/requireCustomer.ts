import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { GatewayContext } from "../context.js";
import { customersById } from "../../db/customer/customerQueries.js";

/**
 * The signed-in customer's id, for a mutation on their own data. Staff and partners change a
 * subject's data only through a data-subject request; an erased subject cannot be written to
 * (the tombstone must not come back to life through a late write).
 */
export async function requireActiveCustomer(ctx: GatewayContext): Promise<string> {
  if (ctx.caller.kind !== "customer") {
    throw new GatewayError(ErrorCode.FORBIDDEN, "Only a signed-in customer changes their own data here.");
  }
  const [row] = await customersById(ctx.db, [ctx.caller.customerId]);
  if (!row) throw new GatewayError(ErrorCode.NOT_FOUND, "No customer with this id is visible to you.");
  if (row.status === "erased") throw new GatewayError(ErrorCode.FORBIDDEN, "This customer has been erased.");
  return row.id;
}
