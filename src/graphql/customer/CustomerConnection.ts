import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";
import { Customer, CustomerStatus } from "./Customer.js";

@ObjectType()
export class CustomerEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Customer) node!: Customer;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType({ description: "A page of customers, in a stable order; cursors are opaque." })
export class CustomerConnection {
  @Field(() => [CustomerEdge]) edges!: CustomerEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  /** Counts the customers matching the page's criteria; run only when `totalCount` is selected (CustomerConnectionResolver). */
  count!: () => Promise<number>;
}

@InputType({ description: "Filter on customers. A filter on a personal field counts as reading it." })
export class CustomerFilter {
  @Field(() => CustomerStatus, { nullable: true })
  @Personal("user.account")
  status?: CustomerStatus | null;
  @Field(() => String, { nullable: true })
  @Personal("user.location.imprecise")
  residency?: string | null;
  @Field(() => [ID], {
    nullable: true,
    description:
      "Only these customers (at most 500 ids), in the page order of the caller's id scope: a batch lookup. An id that is unknown and one the caller may not see are left out alike.",
  })
  ids?: string[] | null;
  @Field(() => String, { nullable: true, description: "Exact email, case-insensitive" })
  @Personal("user.contact.email")
  email?: string | null;
}
