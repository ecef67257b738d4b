import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { Purpose } from "../../policy/purposes.js";
import { requireActiveCustomer } from "../common/requireCustomer.js";
import { PurposeEnum } from "../common/PurposeEnum.js";
import { purposeName } from "../common/purposeName.js";
import { refuseUnderObjection } from "../objection/refuseUnderObjection.js";
import type { GatewayContext } from "../context.js";
import { Consent } from "./Consent.js";
import { latestConsent, recordConsent } from "./consentQueries.js";

@Resolver(() => Consent)
export class ConsentResolver {
  @Mutation(() => Consent, {
    description:
      "Opt in or out of an opt-out purpose (customers only). Appends a consent event. An opt-in to a purpose under an objection in force is refused (OBJECTION_IN_FORCE): liftObjection.",
  })
  async setConsent(
    @Arg("purpose", () => PurposeEnum) purpose: Purpose,
    @Arg("granted", () => Boolean) granted: boolean,
    @Ctx() ctx: GatewayContext,
  ) {
    if (ctx.enforcement.policy.purposes[purpose].consentBasis !== "opt_out") {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `The purpose ${purposeName(purpose)} does not rest on consent; there is nothing to opt out of.`,
      );
    }
    const customerId = await requireActiveCustomer(ctx);
    if (granted) await refuseUnderObjection(ctx.db, customerId, purpose);
    const latest = await latestConsent(ctx.db, customerId, purpose, null);
    const row =
      latest?.granted === granted
        ? latest
        : await recordConsent(ctx.db, {
            customerId,
            purpose,
            partnerId: null,
            granted,
            source: "web",
            policyVersion: ctx.enforcement.policy.version,
          });
    ctx.loaders.consents.clear(customerId);
    return row;
  }
}
