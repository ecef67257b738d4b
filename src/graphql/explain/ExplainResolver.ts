import { isObjectType, type GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, ID, Info, Query, Resolver } from "type-graphql";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { Purpose } from "../../policy/purposes.js";
import { PurposeEnum } from "../common/PurposeEnum.js";
import type { GatewayContext } from "../context.js";
import { AccessExplanation } from "./AccessExplanation.js";

@Resolver()
export class ExplainResolver {
  @Query(() => AccessExplanation, {
    description: "The effect and reason you would get for a field coordinate (e.g. Profile.email) of one subject, for a purpose (default: this request's). Same decision code as every read.",
  })
  async explainAccess(
    @Arg("coordinate", () => String) coordinate: string,
    @Arg("subjectId", () => ID) subjectId: string,
    @Arg("purpose", () => PurposeEnum, { nullable: true }) purposeArg: Purpose | null,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AccessExplanation> {
    const purpose = purposeArg ?? ctx.enforcement.purpose!;
    const field = ctx.enforcement.dataMap.fields.get(coordinate);
    const [typeName = "", fieldName = ""] = coordinate.split(".");
    const type = info.schema.getType(typeName);
    if (!isObjectType(type) || !type.getFields()[fieldName] || typeName.startsWith("__")) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, "`coordinate` must name a field of this schema, such as Profile.email.");
    }
    // A subject the caller could not see at all for that purpose is answered exactly like an
    // unknown id: explaining it would reveal its existence, opt-outs or residency. A customer
    // asking about themself is the one exception: it is their own state.
    const own = ctx.caller.kind === "customer" ? ctx.caller.customerId : null;
    // The id as the request's scope gave it; one of another scope stands for an id that exists nowhere.
    const subject = ctx.enforcement.ids().internal(subjectId);
    const exists = subject !== null && (own === null || own === subject) && (await ctx.loaders.customer.load(subject)) !== null &&
      (own !== null || (await ctx.enforcement.isVisibleAs(subject, purpose)));
    if (!exists) throw new GatewayError(ErrorCode.NOT_FOUND, "No customer with this id is visible to you.");
    if (!field) {
      return { coordinate, category: null, purpose, effect: "allow", mask: null, reasonCode: "NOT_PERSONAL", reason: `${coordinate} is not marked personal.` };
    }
    const decision = await ctx.enforcement.decideAs(subject, field.category, purpose);
    return {
      coordinate, category: field.category, purpose, effect: decision.effect,
      mask: decision.effect === "mask" ? field.mask : null, reasonCode: decision.reason.code, reason: decision.reason.message,
    };
  }
}
