import { isObjectType, type GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, ID, Info, Query, Resolver } from "type-graphql";
import { audienceOfField, mayEverRead } from "../../enforcement/fieldAudience.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { UNCLASSIFIED_FIELDS } from "../../enforcement/unclassifiedFields.js";
import { sameIdentifierScope } from "../../policy/identifierScope.js";
import type { Purpose } from "../../policy/purposes.js";
import { PurposeEnum } from "../common/PurposeEnum.js";
import type { GatewayContext } from "../context.js";
import { AccessExplanation } from "./AccessExplanation.js";

@Resolver()
export class ExplainResolver {
  @Query(() => AccessExplanation, {
    description:
      "The effect and reason you would get for a field coordinate (e.g. Profile.email) of one subject, for a purpose (default: this request's). Same decision code as every read.",
  })
  async explainAccess(
    @Arg("coordinate", () => String) coordinate: string,
    @Arg("subjectId", () => ID) subjectId: string,
    @Arg("purpose", () => PurposeEnum, { nullable: true }) purposeArg: Purpose | null,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AccessExplanation> {
    const purpose = purposeArg ?? ctx.enforcement.purpose!;
    // The id stands for its subject in this request's id scope only. Explaining another purpose
    // whose ids differ would tie this scope's pseudonym to that purpose's view of the subject (its
    // opt-outs, objections, visibility): the join per-purpose ids exist to prevent. Refused before
    // anything is read, whatever the id, so that the refusal tells nothing about the subject.
    const current = ctx.enforcement.purpose;
    if (current !== null && !sameIdentifierScope(ctx.enforcement.policy, ctx.caller, purpose, current)) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        "Ids differ between this request's purpose and the one to explain: explain a subject under the purpose its id was given for.",
        { reason: "ID_SCOPE_MISMATCH" },
      );
    }
    const field = ctx.enforcement.dataMap.fields.get(coordinate);
    const [typeName = "", fieldName = ""] = coordinate.split(".");
    const type = info.schema.getType(typeName);
    if (!isObjectType(type) || !type.getFields()[fieldName] || typeName.startsWith("__")) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, "`coordinate` must name a field of this schema, such as Profile.email.");
    }
    // A subject the caller could not see at all for that purpose is answered exactly like an
    // unknown id: explaining it would reveal its existence, opt-outs or residency. A customer
    // asking about themself is the one exception: it is their own state. The row and the state are
    // read whether or not the id exists, so an unknown id issues the statements a hidden one does.
    const own = ctx.caller.kind === "customer" ? ctx.caller.customerId : null;
    // The id as the request's scope gave it; one of another scope stands for an id that exists nowhere.
    const subject = ctx.enforcement.ids().internal(subjectId);
    let exists = false;
    if (subject !== null && (own === null || own === subject)) {
      const [row, visible] = await Promise.all([
        ctx.loaders.customer.load(subject),
        own !== null || ctx.enforcement.isVisibleAs(subject, purpose),
      ]);
      exists = row !== null && visible;
    }
    if (!exists || subject === null) throw new GatewayError(ErrorCode.NOT_FOUND, "No customer with this id is visible to you.");
    // Explaining confirms that the subject is there, and its state: recorded as its id disclosed.
    ctx.enforcement.subjectIdentified(subject);
    const { version: policyVersion } = ctx.enforcement.policy;
    if (!mayEverRead(ctx.caller, coordinate)) {
      return {
        coordinate,
        category: field?.category ?? null,
        purpose,
        effect: "deny",
        mask: null,
        reasonCode: "NOT_IN_AUDIENCE",
        reason: `${coordinate} is read only by ${audienceOfField(coordinate)!.join(", ")}.`,
        policyVersion,
      };
    }
    if (!field) {
      const exception = UNCLASSIFIED_FIELDS[coordinate];
      return exception
        ? {
            coordinate,
            category: null,
            purpose,
            effect: "allow",
            mask: null,
            reasonCode: exception.kind.toUpperCase(),
            reason: `${coordinate} carries no category: ${exception.reason}.`,
            policyVersion,
          }
        : {
            coordinate,
            category: null,
            purpose,
            effect: "allow",
            mask: null,
            reasonCode: "NOT_PERSONAL",
            reason: `${coordinate} is not marked personal.`,
            policyVersion,
          };
    }
    const decision = await ctx.enforcement.decideAs(subject, field.category, purpose);
    return {
      coordinate,
      category: field.category,
      purpose,
      effect: decision.effect,
      mask: decision.effect === "mask" ? field.mask : null,
      reasonCode: decision.reason.code,
      reason: decision.reason.message,
      policyVersion,
    };
  }
}
