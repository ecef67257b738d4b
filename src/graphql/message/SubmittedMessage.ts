import { Field, ID, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";

@ObjectType({ description: "A message sent through the contact form.", simpleResolvers: true })
export class SubmittedMessage {
  @Field(() => ID) id!: string;
  customerId!: string;

  @Field(() => String, { nullable: true })
  @Personal("user.content.private")
  subject!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.content.private")
  body!: string | null;

  @Field(() => String, { nullable: true, description: "open or closed" })
  @Personal("user.content.private")
  status!: string | null;

  @Field(() => Date, { nullable: true })
  @Personal("user.content.private")
  submittedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Personal("user.content.private")
  closedAt!: Date | null;
}
