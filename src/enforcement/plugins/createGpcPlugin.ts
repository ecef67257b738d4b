import type { ApolloServerPlugin } from "@apollo/server";
import { latestConsent, recordConsent } from "../../graphql/consent/consentQueries.js";
import type { GatewayContext } from "../../graphql/context.js";
import { customersById } from "../../graphql/customer/customerQueries.js";

/**
 * Global Privacy Control: a customer's request carrying `Sec-GPC: 1` records an opt-out of
 * advertising (source `gpc`) before the operation runs, once: a repeated signal adds no event.
 */
export function createGpcPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: ctx }) {
          if (!ctx.gpc || ctx.caller.kind !== "customer") return;
          const customerId = ctx.caller.customerId;
          const latest = await latestConsent(ctx.db, customerId, "advertising", null);
          if (latest && !latest.granted) return;
          // Read directly: the request's subject-state loader must first see the new event.
          const [subject] = await customersById(ctx.db, [customerId]);
          if (!subject || subject.status === "erased") return;
          await recordConsent(ctx.db, { customerId, purpose: "advertising", partnerId: null, granted: false, source: "gpc", policyVersion: ctx.enforcement.policy.version });
        },
      };
    },
  };
}
