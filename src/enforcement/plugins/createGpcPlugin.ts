import type { ApolloServerPlugin } from "@apollo/server";
import { recordGpcSignal } from "../../db/consent/recordGpcSignal.js";
import type { EnforcementContext } from "../EnforcementContext.js";

/**
 * Global Privacy Control: a customer's request carrying `Sec-GPC: 1` is recorded as
 * recordGpcSignal says (an opt-out of advertising, unless an explicit opt-in made after an earlier
 * signal stands), before the operation runs: the operation's own decisions, and an opt-in it
 * makes, come after the signal.
 */
export function createGpcPlugin(): ApolloServerPlugin<EnforcementContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: ctx }) {
          if (!ctx.gpc || ctx.caller.kind !== "customer") return;
          // Read and written directly: the request's subject-state loader must first see the new event.
          await recordGpcSignal(ctx.db, ctx.caller.customerId, ctx.enforcement.policy.version);
        },
      };
    },
  };
}
