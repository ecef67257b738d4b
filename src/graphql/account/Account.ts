import { Field, ID, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";

@ObjectType({ description: "A customer's account with one product.", simpleResolvers: true })
export class Account {
  @Field(() => ID) id!: string;
  customerId!: string;

  @Field(() => String, { nullable: true })
  @Personal("user.unique_id.account_number")
  accountNumber!: string | null;

  @Field(() => String, { nullable: true })
  @Personal("user.account")
  product!: string | null;

  @Field(() => String, { nullable: true, description: "open, frozen or closed" })
  @Personal("user.account")
  status!: string | null;

  @Field(() => Date, { nullable: true })
  @Personal("user.account")
  openedAt!: Date | null;
}
