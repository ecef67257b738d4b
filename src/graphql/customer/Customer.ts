import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum CustomerStatus {
  ACTIVE = "active",
  RESTRICTED = "restricted",
  ERASED = "erased",
}
registerEnumType(CustomerStatus, { name: "CustomerStatus", description: "Processing state of a data subject." });

@ObjectType({ description: "A data subject. Its own fields are not personal; what hangs off it is." })
export class Customer {
  @Field(() => ID) id!: string;
  @Field(() => CustomerStatus) status!: CustomerStatus;
  @Field(() => String, { description: "Region of residency (EU, UK, US, ...): drives transfer rules." }) residency!: string;
  @Field(() => Date) createdAt!: Date;
}
