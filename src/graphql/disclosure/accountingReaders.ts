import { mayEverCall } from "../../enforcement/rootFieldAudience.js";
import { mayEverRead } from "../../enforcement/fieldAudience.js";
import type { GatewayContext } from "../context.js";

/** The caller reads the disclosure log as staff: whom ROOT_FIELD_AUDIENCE lets call `disclosureLog`. */
export function readsTheLog(ctx: GatewayContext): boolean {
  return ctx.caller.kind === "staff" && mayEverCall(ctx.caller, "Query.disclosureLog");
}

/**
 * The caller may read `coordinate`, an accounting field of this subject (who received their data):
 * one of its audience (FIELD_AUDIENCE), and a customer only of themself. Anyone else would learn
 * of other recipients.
 */
export function readsAccountingOf(ctx: GatewayContext, coordinate: string, customerId: string): boolean {
  if (!mayEverRead(ctx.caller, coordinate)) return false;
  return ctx.caller.kind !== "customer" || ctx.caller.customerId === customerId;
}
