import { Field, InputType } from "type-graphql";
import type { AddressCorrection, ProfileCorrections } from "../../dsr/validateProfileInput.js";
import { Personal } from "../../enforcement/personal.js";

@InputType({ description: "A postal address; omitted parts are cleared." })
export class AddressInput implements AddressCorrection {
  @Field(() => String) @Personal("user.contact.address") line1!: string;
  @Field(() => String, { nullable: true }) @Personal("user.contact.address") line2?: string | null;
  @Field(() => String) @Personal("user.contact.address") postalCode!: string;
  @Field(() => String) @Personal("user.contact.address") city!: string;
  @Field(() => String, { description: "ISO 3166-1 alpha-2" }) @Personal("user.contact.address") country!: string;
}

@InputType({ description: "Corrections to one's own profile. Omitted fields stay as they are; null clears." })
export class ProfileInput implements ProfileCorrections {
  @Field(() => String, { nullable: true }) @Personal("user.name") fullName?: string | null;
  @Field(() => String, { nullable: true }) @Personal("user.name") displayName?: string | null;
  @Field(() => String, { nullable: true }) @Personal("user.contact.email") email?: string | null;
  @Field(() => String, { nullable: true }) @Personal("user.contact.phone_number") phone?: string | null;
  @Field(() => AddressInput, { nullable: true }) address?: AddressInput | null;
  @Field(() => String, { nullable: true }) @Personal("user.account.username") username?: string | null;
  @Field(() => String, { nullable: true }) @Personal("user.demographic.language") language?: string | null;
}
