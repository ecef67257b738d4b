import { Field, InputType, registerEnumType } from "type-graphql";
import { CONTACT_CHANNELS, type ContactChannel } from "../../db/schema/index.js";
import { Personal } from "../../enforcement/personal.js";

/** GraphQL enum `ContactChannel`: EMAIL -> "email", one value per channel a customer may prefer. */
export const ContactChannelEnum = Object.fromEntries(CONTACT_CHANNELS.map((c) => [c.toUpperCase(), c])) as Record<string, ContactChannel>;
registerEnumType(ContactChannelEnum, { name: "ContactChannel", description: "A channel the customer prefers to be contacted through." });

@InputType({
  description:
    "Changes to one's own communication preferences. Omitted fields stay as they are; null clears `preferredChannel` " +
    "(the three opt-ins cannot be null). None of them is a consent under the policy (marketing rests on opt-out, not on consent): " +
    "no consent event is recorded; to opt out of marketing as a purpose, use `setConsent(purpose: MARKETING, granted: false)`.",
})
export class PreferencesInput {
  @Field(() => Boolean, { nullable: true }) @Personal("user.privacy_preferences") emailNewsletter?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @Personal("user.privacy_preferences") smsOffers?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @Personal("user.privacy_preferences") postalMail?: boolean | null;
  @Field(() => ContactChannelEnum, { nullable: true }) @Personal("user.privacy_preferences") preferredChannel?: ContactChannel | null;
}
