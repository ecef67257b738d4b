import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";

export enum CustomerStatus {
  ACTIVE = "active",
  RESTRICTED = "restricted",
  ERASED = "erased",
}
registerEnumType(CustomerStatus, { name: "CustomerStatus", description: "Processing state of a data subject." });

@ObjectType({
  description:
    "A data subject. Every field but its id is personal; the id is pairwise for partners and per purpose where values are pseudonymised.",
  simpleResolvers: true,
})
export class Customer {
  @Field(() => ID) id!: string;
  @Field(() => CustomerStatus, { nullable: true })
  @Personal("user.account")
  status!: CustomerStatus | null;
  @Field(() => String, { nullable: true, description: "Region of residency (EU, UK, US, ...): drives transfer rules." })
  @Personal("user.location.imprecise", "KEEP")
  residency!: string | null;
  @Field(() => Date, { nullable: true })
  @Personal("user.account")
  createdAt!: Date | null;
}
