import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from "type-graphql";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { Account } from "../account/Account.js";
import { Consent } from "../consent/Consent.js";
import type { GatewayContext } from "../context.js";
import { SubmittedMessage } from "../message/SubmittedMessage.js";
import { PaymentMethod } from "../paymentMethod/PaymentMethod.js";
import { Preferences } from "../preferences/Preferences.js";
import { Profile } from "../profile/Profile.js";
import { Purchase } from "../purchase/Purchase.js";
import { Visit } from "../visit/Visit.js";
import { Customer } from "./Customer.js";
import { CustomerConnection, CustomerFilter } from "./CustomerConnection.js";
import { customerChildrenFold, selectedChildren } from "./customerChildren.js";
import { customerCount, customerPage, type CustomerCriteria } from "./customerQueries.js";
import { decodeCursor } from "./cursor.js";

export const MAX_PAGE_SIZE = 500;
export const MAX_VISITS = 1000;

/** The one subject a customer caller may reach: themself. Staff and partners: anyone (the decision narrows). */
function ownIdOrNull(ctx: GatewayContext): string | null {
  return ctx.caller.kind === "customer" ? ctx.caller.customerId : null;
}

const notFound = () => new GatewayError(ErrorCode.NOT_FOUND, "No customer with this id is visible to you.");

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true, description: "The signed-in customer." })
  async me(@Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<Customer | null> {
    const own = ownIdOrNull(ctx);
    if (own === null) throw new GatewayError(ErrorCode.FORBIDDEN, "`me` is only for a signed-in customer.");
    ctx.loaders.wantChildren(selectedChildren(info));
    return (await ctx.loaders.customer.load(own)) as Customer | null;
  }

  @Query(() => Customer, { nullable: true, description: "One customer by id. Unknown and not visible look the same." })
  async customer(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<Customer | null> {
    const own = ownIdOrNull(ctx);
    // The id as the caller's scope gave it (a partner's pairwise id, a purpose's pseudonym); one of
    // another scope stands for an id that exists nowhere, and is answered as unknown below.
    const subject = ctx.enforcement.ids().internal(id);
    if (subject === null || (own !== null && own !== subject)) throw notFound();
    ctx.loaders.wantChildren(selectedChildren(info));
    const row = await ctx.loaders.customer.load(subject);
    if (!row || !(await ctx.enforcement.isVisible(subject))) throw notFound();
    return row as Customer;
  }

  @Query(() => CustomerConnection, { description: "A page of customers in a stable order." })
  async customers(
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("filter", () => CustomerFilter, { nullable: true }) filter: CustomerFilter | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CustomerConnection> {
    if (first < 1 || first > MAX_PAGE_SIZE) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, `\`first\` must be from 1 to ${MAX_PAGE_SIZE}.`);
    }
    if (filter?.ids && filter.ids.length > MAX_PAGE_SIZE) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, `\`filter.ids\` holds at most ${MAX_PAGE_SIZE} ids.`);
    }
    const scope = ctx.enforcement.ids();
    const ids = filter?.ids?.map((id) => scope.internal(id));
    if (ids?.some((id) => id === null)) throw new GatewayError(ErrorCode.BAD_USER_INPUT, "`filter.ids` must hold customer ids (UUIDs).");
    const criteria: CustomerCriteria = { ...filter, ids: ids as string[] | undefined, visible: ctx.enforcement.visibleSubjects() };
    const own = ownIdOrNull(ctx);
    const afterId = after ? decodeCursor(scope, after) : null;
    // The nodes' nested rows (profile, accounts, ...) come in the page's own statement.
    const fold = customerChildrenFold(selectedChildren(info, ["edges", "node"]));
    const page = await customerPage(ctx.db, criteria, first, afterId, own,
      { ...ctx.enforcement.subjectStateColumns, ...fold?.column });
    for (const row of page.rows) ctx.loaders.customer.prime(row.id, row);
    ctx.loaders.primeChildren(page.rows, fold);
    await ctx.enforcement.preload(page.rows);
    // A cursor costs two block encryptions (createIdScope.ts): made only where it is selected.
    const edges = page.rows.map((node) => ({ node: node as Customer, get cursor() { return scope.cursor(node.id); } }));
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      count: () => customerCount(ctx.db, criteria, own),
    };
  }

  @FieldResolver(() => Profile, { nullable: true })
  profile(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.profile.load(c.id);
  }

  @FieldResolver(() => Preferences, { nullable: true })
  preferences(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.preferences.load(c.id);
  }

  @FieldResolver(() => [Account])
  accounts(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.accounts.load(c.id);
  }

  @FieldResolver(() => [PaymentMethod])
  paymentMethods(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.paymentMethods.load(c.id);
  }

  @FieldResolver(() => [Purchase])
  purchases(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.purchases.load(c.id);
  }

  @FieldResolver(() => [Consent], { description: "The current choice per purpose (latest event)." })
  consents(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.consents.load(c.id);
  }

  @FieldResolver(() => [SubmittedMessage])
  messages(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.messages.load(c.id);
  }

  @FieldResolver(() => [Visit], { description: "The latest visits, newest first." })
  visits(@Root() c: Customer, @Ctx() ctx: GatewayContext, @Arg("first", () => Int, { defaultValue: 20 }) first: number) {
    if (first < 1 || first > MAX_VISITS) throw new GatewayError(ErrorCode.BAD_USER_INPUT, `\`first\` must be from 1 to ${MAX_VISITS}.`);
    return ctx.loaders.visits(first).load(c.id);
  }
}
