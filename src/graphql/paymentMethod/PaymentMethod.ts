import { Field, ID, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";
import { BillingAddress, DeliveryAddress } from "../profile/Address.js";

@ObjectType({ description: "A tokenised payment card. The full card number is never held.", simpleResolvers: true })
export class PaymentMethod {
  @Field(() => ID) id!: string;
  customerId!: string;

  @Field(() => String, { nullable: true, description: "Processor token" })
  @Personal("user.financial.credit_card")
  cardToken!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.financial.credit_card", "KEEP")
  brand!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.financial.credit_card", "KEEP")
  lastFour!: string | null;

  @Field(() => String, { nullable: true, description: "YYYY-MM" })
  @Personal("user.financial.credit_card")
  expiry!: string | null;

  @Field(() => BillingAddress, { nullable: true })
  @Personal("user.contact.address.billing")
  billingAddress!: InstanceType<typeof BillingAddress> | null;

  @Field(() => DeliveryAddress, { nullable: true })
  @Personal("user.contact.address.delivery")
  deliveryAddress!: InstanceType<typeof DeliveryAddress> | null;

  /** KEEP: where the category is masked (brand and last four), when the card was added shows as is. */
  @Field(() => Date, { nullable: true })
  @Personal("user.financial.credit_card", "KEEP")
  addedAt!: Date | null;
}
