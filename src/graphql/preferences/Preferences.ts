import { Field, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";

@ObjectType({ description: "Communication preferences.", simpleResolvers: true })
export class Preferences {
  customerId!: string;

  @Field(() => Boolean, { nullable: true })
  @Personal("user.privacy_preferences")
  emailNewsletter!: boolean | null;

  @Field(() => Boolean, { nullable: true })
  @Personal("user.privacy_preferences")
  smsOffers!: boolean | null;

  @Field(() => Boolean, { nullable: true })
  @Personal("user.privacy_preferences")
  postalMail!: boolean | null;

  @Field(() => String, { nullable: true })
  @Personal("user.privacy_preferences")
  preferredChannel!: string | null;

  @Field(() => Date, { nullable: true })
  @Personal("user.privacy_preferences")
  updatedAt!: Date | null;
}
