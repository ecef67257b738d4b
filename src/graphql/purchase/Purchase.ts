import { Field, ID, Int, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";

@ObjectType({ description: "A product bought or registered.", simpleResolvers: true })
export class Purchase {
  @Field(() => ID) id!: string;
  customerId!: string;

  @Field(() => String, { nullable: true })
  @Personal("user.behavior.purchase_history")
  product!: string | null;

  @Field(() => Int, { nullable: true })
  @Personal("user.behavior.purchase_history")
  amountCents!: number | null;

  @Field(() => String, { nullable: true })
  @Personal("user.behavior.purchase_history")
  currency!: string | null;

  @Field(() => Date, { nullable: true })
  @Personal("user.behavior.purchase_history")
  purchasedAt!: Date | null;
}
