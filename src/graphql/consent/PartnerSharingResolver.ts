import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import { PARTNER_SHARING_PURPOSE } from "../../db/schema/index.js";
import { Personal } from "../../enforcement/personal.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { requireActiveCustomer } from "../common/requireCustomer.js";
import type { GatewayContext } from "../context.js";
import { Customer } from "../customer/Customer.js";
import { readsAccountingOf } from "../disclosure/accountingReaders.js";
import { latestConsent, recordConsent } from "./consentQueries.js";
import { PartnerSharing } from "./PartnerSharing.js";
import { partnerExists } from "./partnerSharingQueries.js";

@Resolver(() => Customer)
export class PartnerSharingResolver {
  /** It tells which partners received the subject's data: read only by those who read the subject's disclosures. */
  @FieldResolver(() => [PartnerSharing], {
    nullable: true,
    description:
      "Per partner: the customer's choice about sharing with it and whether it received their data (the customer, the privacy office and legal).",
  })
  @Personal("user.privacy_preferences")
  partnerSharing(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    if (!readsAccountingOf(ctx, "Customer.partnerSharing", c.id)) {
      throw new GatewayError(
        ErrorCode.FORBIDDEN,
        "Only the customer, the privacy office and legal read a customer's sharing with partners.",
      );
    }
    return ctx.loaders.partnerSharing.load(c.id);
  }

  @Mutation(() => PartnerSharing, {
    description:
      "Grant or withdraw sharing one's data with one partner (customers only): appends a consent event (third_party_sharing, source web) " +
      "unless the choice is already so. It holds from the partner's next request.",
  })
  async setPartnerSharing(
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("granted", () => Boolean) granted: boolean,
    @Ctx() ctx: GatewayContext,
  ) {
    const customerId = await requireActiveCustomer(ctx);
    if (!(await partnerExists(ctx.db, partnerId))) throw new GatewayError(ErrorCode.NOT_FOUND, "There is no partner with this id.");
    const latest = await latestConsent(ctx.db, customerId, PARTNER_SHARING_PURPOSE, partnerId);
    if (latest?.granted !== granted) {
      await recordConsent(ctx.db, {
        customerId,
        purpose: PARTNER_SHARING_PURPOSE,
        partnerId,
        granted,
        source: "web",
        policyVersion: ctx.enforcement.policy.version,
      });
    }
    ctx.loaders.consents.clear(customerId);
    const sharing = await ctx.loaders.partnerSharing.clear(customerId).load(customerId);
    return sharing.find((s) => s.partnerId === partnerId)!;
  }
}
