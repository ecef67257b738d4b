import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { callerIdentity } from "../../enforcement/disclosureRecords.js";
import { Personal } from "../../enforcement/personal.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { Purpose } from "../../policy/purposes.js";
import { purposeName } from "../common/purposeName.js";
import { requireActiveCustomer } from "../common/requireCustomer.js";
import { PurposeEnum } from "../common/PurposeEnum.js";
import { Consent } from "../consent/Consent.js";
import type { GatewayContext } from "../context.js";
import { Customer } from "../customer/Customer.js";
import { Objection } from "./Objection.js";
import { liftObjection } from "./objectionQueries.js";

/** A subject's objections: read on the customer, lifted by the customer. */
@Resolver(() => Customer)
export class ObjectionResolver {
  @FieldResolver(() => [Objection], {
    nullable: true,
    description:
      "Objections in force, per purpose; a purpose listed here is withdrawn whatever `consents` says, and `consents` shows it withdrawn.",
  })
  @Personal("user.privacy_preferences")
  objections(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.objections.load(c.id);
  }

  @Mutation(() => Consent, {
    description:
      "Lift your objection to a purpose (customers only): recorded on each objection request that stops it, and the purpose allowed again (an opt-in). NOT_FOUND when no objection to it is in force.",
  })
  async liftObjection(@Arg("purpose", () => PurposeEnum) purpose: Purpose, @Ctx() ctx: GatewayContext) {
    const customerId = await requireActiveCustomer(ctx);
    const who = callerIdentity(ctx.caller);
    const row = await liftObjection(
      ctx.db,
      customerId,
      purpose,
      { kind: who.callerKind, id: who.callerId },
      ctx.enforcement.policy.version,
    );
    if (row === null) throw new GatewayError(ErrorCode.NOT_FOUND, `You have no objection to ${purposeName(purpose)} in force.`);
    ctx.loaders.consents.clear(customerId);
    ctx.loaders.objections.clear(customerId);
    return row;
  }
}
