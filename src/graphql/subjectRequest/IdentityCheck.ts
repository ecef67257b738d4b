import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { CLAIM_OUTCOMES, MAX_IDENTITY_CHECKS, type ClaimOutcome } from "../../dsr/identityCheck.js";

export const ClaimOutcomeEnum = Object.fromEntries(CLAIM_OUTCOMES.map((v) => [v.toUpperCase(), v])) as Record<string, ClaimOutcome>;
registerEnumType(ClaimOutcomeEnum, {
  name: "IdentityClaimOutcome",
  description: "A claim against what is held: MATCH, NO_MATCH, or NOT_ON_FILE (nothing held to compare with). Never the held value.",
});

@InputType({
  description:
    "What the requester says about themself. Give at least one; each is normalised before the comparison (case, whitespace; a phone's digits only).",
})
export class IdentityClaimsInput {
  @Field(() => String, { nullable: true, description: "Full name" }) name?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true, description: "The last four characters of one of the subject's account numbers" })
  accountLastFour?: string | null;
}

@ObjectType({
  description: `The outcome of one identity check, per claim given (null: not claimed). Recorded with the request (an IDENTITY_CHECK event, outcomes only) and in the disclosure log; at most ${MAX_IDENTITY_CHECKS} checks per request.`,
})
export class IdentityCheck {
  @Field(() => ID) requestId!: string;
  @Field(() => ClaimOutcomeEnum, { nullable: true }) name!: ClaimOutcome | null;
  @Field(() => ClaimOutcomeEnum, { nullable: true }) email!: ClaimOutcome | null;
  @Field(() => ClaimOutcomeEnum, { nullable: true }) phone!: ClaimOutcome | null;
  @Field(() => ClaimOutcomeEnum, { nullable: true }) accountLastFour!: ClaimOutcome | null;
  @Field(() => Boolean, { description: "At least one claim matched and none did not: the request may be verified" }) passed!: boolean;
  @Field(() => Int, { description: "Checks still allowed on this request" }) checksLeft!: number;
  @Field(() => Date) checkedAt!: Date;
}
