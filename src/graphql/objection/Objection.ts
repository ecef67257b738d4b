import { Field, ID, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";

@ObjectType({
  description: "A completed objection to one purpose, in force until its subject lifts it (liftObjection).",
  simpleResolvers: true,
})
export class Objection {
  customerId!: string;

  @Field(() => String, { nullable: true, description: "Purpose name, e.g. marketing" })
  @Personal("user.privacy_preferences")
  purpose!: string | null;

  @Field(() => Date, { nullable: true, description: "When the objection took effect: its request's completion" })
  @Personal("user.privacy_preferences")
  since!: Date | null;

  @Field(() => ID, { nullable: true, description: "The objection request (mySubjectRequests, subjectRequest)" })
  requestId!: string | null;
}
