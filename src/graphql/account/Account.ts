import { Field, ID, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";

@ObjectType({ description: "A customer's account with one product.", simpleResolvers: true })
export class Account {
  @Field(() => ID) id!: string;
  customerId!: string;

  @Field(() => String, { nullable: true }) @Personal("user.unique_id.account_number")
  accountNumber!: string | null;

  @Field(() => String) product!: string;
  @Field(() => String, { description: "open, frozen or closed" }) status!: string;
  @Field(() => Date) openedAt!: Date;
}
