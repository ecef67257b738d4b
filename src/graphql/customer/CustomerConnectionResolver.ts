import { FieldResolver, Int, Resolver, Root } from "type-graphql";
import { CustomerConnection } from "./CustomerConnection.js";

/**
 * A page's count is a statement of its own: it runs only when `totalCount` is selected (a batch
 * lookup by ids seldom asks for it), alongside the page's nested reads rather than before them.
 */
@Resolver(() => CustomerConnection)
export class CustomerConnectionResolver {
  @FieldResolver(() => Int, { description: "Customers matching the filter (those left out for the purpose excluded)." })
  totalCount(@Root() page: CustomerConnection): Promise<number> {
    return page.count();
  }
}
