import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { admittedAs } from "../../enforcement/rootFieldAudience.js";
import type { GatewayContext } from "../context.js";
import { customersById } from "../../db/customer/customerQueries.js";

/**
 * The signed-in customer's id, for a mutation on their own data (its audience is the customer
 * alone: staff and partners change a subject's data only through a data-subject request). An
 * erased subject cannot be written to (the tombstone must not come back to life through a late write).
 */
export async function requireActiveCustomer(ctx: GatewayContext): Promise<string> {
  const [row] = await customersById(ctx.db, [admittedAs(ctx.caller, "customer").customerId]);
  if (!row) throw new GatewayError(ErrorCode.NOT_FOUND, "No customer with this id is visible to you.");
  if (row.status === "erased") throw new GatewayError(ErrorCode.FORBIDDEN, "This customer has been erased.");
  return row.id;
}
