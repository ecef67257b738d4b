import { Field, ID, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";

@ObjectType({ description: "One visit: automatically collected device and browsing data.", simpleResolvers: true })
export class Visit {
  @Field(() => ID) id!: string;
  customerId!: string;

  @Field(() => String, { nullable: true })
  @Personal("user.device.ip_address")
  ipAddress!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.device")
  userAgent!: string | null;

  @Field(() => String, { nullable: true, description: "desktop, mobile or tablet" })
  @Personal("user.device")
  device!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.device")
  operatingSystem!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.demographic.language")
  language!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.behavior.browsing_history")
  referrer!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.behavior.browsing_history")
  page!: string | null;

  @Field(() => Date, { nullable: true })
  @Personal("user.behavior.browsing_history")
  visitedAt!: Date | null;
}
