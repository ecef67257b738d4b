import { Field, Float, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";
import { PostalAddress } from "./Address.js";

@ObjectType({ description: "A customer's profile. Every field is personal and may be masked or withheld.", simpleResolvers: true })
export class Profile {
  customerId!: string;

  @Field(() => String, { nullable: true })
  @Personal("user.name")
  fullName!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.name")
  displayName!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.contact.email")
  email!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.contact.phone_number")
  phone!: string | null;

  @Field(() => PostalAddress, { nullable: true })
  @Personal("user.contact.address")
  address!: InstanceType<typeof PostalAddress> | null;

  @Field(() => String, { nullable: true })
  @Personal("user.account.username")
  username!: string | null;

  @Field(() => String, { nullable: true, description: "BCP 47 language tag" })
  @Personal("user.demographic.language")
  language!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.social")
  socialHandle!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.social")
  socialPictureUrl!: string | null;

  @Field(() => [String], { nullable: true })
  @Personal("user.social")
  socialLikes!: string[] | null;

  @Field(() => Float, { nullable: true, description: "Precise latitude from the mobile app" })
  @Personal("user.location.precise")
  locationLatitude!: number | null;

  @Field(() => Float, { nullable: true })
  @Personal("user.location.precise")
  locationLongitude!: number | null;

  @Field(() => Date, { nullable: true })
  @Personal("user.location.precise")
  locationRecordedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Personal("user.account")
  updatedAt!: Date | null;
}
