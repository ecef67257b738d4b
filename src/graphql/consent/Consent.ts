import { Field, ID, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";

@ObjectType({ description: "The current choice for one purpose: the latest consent event.", simpleResolvers: true })
export class Consent {
  @Field(() => ID) id!: string;
  customerId!: string;

  @Field(() => String, { nullable: true, description: "Purpose name, e.g. marketing" })
  @Personal("user.privacy_preferences")
  purpose!: string | null;

  @Field(() => ID, { nullable: true, description: "Set for an opt-in to sharing with one partner" })
  @Personal("user.privacy_preferences")
  partnerId!: string | null;

  @Field(() => Boolean, { nullable: true })
  @Personal("user.privacy_preferences")
  granted!: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      "web, app, support, import, dsr (an objection), gpc (a Global Privacy Control signal, honoured as an opt-out) or gpc_conflict (a signal that met your later explicit opt-in, which stands)",
  })
  @Personal("user.privacy_preferences")
  source!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.privacy_preferences")
  policyVersion!: string | null;

  @Field(() => Date, { nullable: true })
  @Personal("user.privacy_preferences")
  recordedAt!: Date | null;
}
