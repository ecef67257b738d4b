import type { GatewayContext } from "../context.js";

/** Staff roles that read the disclosure log: the privacy office and legal. */
const LOG_READERS: ReadonlySet<string> = new Set(["privacy_officer", "legal"]);

/** The caller reads the disclosure log as staff: the privacy office or legal. */
export function readsTheLog(ctx: GatewayContext): boolean {
  return ctx.caller.kind === "staff" && LOG_READERS.has(ctx.caller.role);
}

/**
 * The caller may read what the disclosure log says about this subject (who received their data):
 * the subject themself, the privacy office and legal. Anyone else would learn of other recipients.
 */
export function readsAccountingOf(ctx: GatewayContext, customerId: string): boolean {
  return (ctx.caller.kind === "customer" && ctx.caller.customerId === customerId) || readsTheLog(ctx);
}
