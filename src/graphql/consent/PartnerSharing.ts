import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";
import type { PartnerKind } from "../../policy/caller.js";
import { PartnerKindEnum } from "../partner/PartnerTypes.js";

export type SharingChoice = "granted" | "withdrawn" | "not_chosen";
/** GraphQL enum `SharingChoice`: NOT_CHOSEN -> "not_chosen". */
export const SharingChoiceEnum = { GRANTED: "granted", WITHDRAWN: "withdrawn", NOT_CHOSEN: "not_chosen" } as const satisfies Record<
  string,
  SharingChoice
>;
registerEnumType(SharingChoiceEnum, {
  name: "SharingChoice",
  description: "The customer's current choice about sharing with one partner: the latest consent event, or none yet.",
});

@ObjectType({
  description:
    "One partner as the customer sees it: their choice about sharing with it, and whether and when it received their data " +
    "(from the disclosure log, as long as the log keeps its records). Read by the customer, the privacy office and legal.",
  simpleResolvers: true,
})
export class PartnerSharing {
  customerId!: string;

  @Field(() => ID, { nullable: true, description: "The partner's id (not a subject's), as in Consent.partnerId" })
  @Personal("user.privacy_preferences")
  partnerId!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.privacy_preferences")
  partnerName!: string | null;

  @Field(() => PartnerKindEnum, { nullable: true })
  @Personal("user.privacy_preferences")
  partnerKind!: PartnerKind | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "The partner reads the customer's data only with their opt-in: a third party, or a partner whose grant in force reaches only subjects who opted in. " +
      "Otherwise the choice is recorded and holds should its access come to depend on it.",
  })
  @Personal("user.privacy_preferences")
  optInRequired!: boolean | null;

  @Field(() => SharingChoiceEnum, { nullable: true })
  @Personal("user.privacy_preferences")
  choice!: SharingChoice | null;

  @Field(() => Date, { nullable: true, description: "When the current choice was made; null when never chosen" })
  @Personal("user.privacy_preferences")
  choiceRecordedAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: "Requests in which the partner received any of the customer's data (as stored, masked or pseudonymised)",
  })
  @Personal("user.privacy_preferences")
  receivedCount!: number | null;

  @Field(() => Date, { nullable: true, description: "When it last did; null when never" })
  @Personal("user.privacy_preferences")
  lastReceivedAt!: Date | null;
}
