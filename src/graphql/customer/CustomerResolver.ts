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
import { Personal } from "../../enforcement/personal.js";
import { isPromise } from "../../enforcement/isPromise.js";
import { personalInputsOf } from "../../enforcement/personalInputsOf.js";
import { admittedAs } from "../../enforcement/rootFieldAudience.js";
import { Customer } from "./Customer.js";
import { CustomerConnection, CustomerFilter } from "./CustomerConnection.js";
import { customerChildrenFold, selectedChildren } from "./customerChildren.js";
import { customerCount, customerIds, customerPage, type CustomerCriteria } from "../../db/customer/customerQueries.js";
import { decodeCursor } from "./cursor.js";

export const MAX_PAGE_SIZE = 500;
export const MAX_VISITS = 1000;
/** The most subjects `totalCount` counts under a filter on personal data (each is a recorded lookup). */
export const MAX_COUNTED_LOOKUPS = 5000;

/** The one subject a customer caller may reach: themself. Staff and partners: anyone (the decision narrows). */
function ownIdOrNull(ctx: GatewayContext): string | null {
  return ctx.caller.kind === "customer" ? ctx.caller.customerId : null;
}

/** A profile with nothing in it, for a subject without a profile row (see `profile`). */
const emptyProfile = (customerId: string): Profile =>
  Object.assign(new Profile(), {
    customerId,
    fullName: null,
    displayName: null,
    email: null,
    phone: null,
    address: null,
    username: null,
    language: null,
    socialHandle: null,
    socialPictureUrl: null,
    socialLikes: null,
    locationLatitude: null,
    locationLongitude: null,
    locationRecordedAt: null,
    updatedAt: null,
  });

const notFound = () => new GatewayError(ErrorCode.NOT_FOUND, "No customer with this id is visible to you.");

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true, description: "The signed-in customer." })
  async me(@Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<Customer | null> {
    const own = admittedAs(ctx.caller, "customer").customerId;
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
    ctx.enforcement.subjectIdentified(subject); // found by its id: the caller learns the subject is there, whatever it selects
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
    // A subject matched by a personal value (email, status, residency) is a read of it, and one
    // matched by its id is identified: both recorded, whatever the operation selects.
    const lookups = personalInputsOf(ctx.enforcement.dataMap, "CustomerFilter", filter);
    const byId = ids !== undefined;
    const matched = (id: string) =>
      lookups.every((field) => ctx.enforcement.lookedUp(id, field)) && (!byId || ctx.enforcement.subjectIdentified(id));
    const afterId = after ? decodeCursor(scope, after) : null;
    // The nodes' nested rows (profile, accounts, ...) come in the page's own statement.
    const fold = customerChildrenFold(selectedChildren(info, ["edges", "node"]));
    const page = await customerPage(ctx.db, criteria, first, afterId, own, scope.orderSalt, {
      ...ctx.enforcement.subjectStateColumns,
      ...fold?.column,
    });
    for (const row of page.rows) ctx.loaders.customer.prime(row.id, row);
    ctx.loaders.primeChildren(page.rows, fold);
    await ctx.enforcement.preload(page.next === null ? page.rows : [...page.rows, page.next]);
    // A cursor stands for its subject (recorded as its id) and costs two block encryptions
    // (createIdScope.ts): made only where it is selected.
    const cursorOf = (id: string) => (ctx.enforcement.subjectIdentified(id), scope.cursor(id));
    const nodes = page.rows.filter((row) => matched(row.id));
    const edges = nodes.map((node) => ({
      node: node as Customer,
      get cursor() {
        return cursorOf(node.id);
      },
    }));
    const last = nodes.at(-1);
    return {
      edges,
      pageInfo: {
        // The next subject tells that another page follows: under a filter by personal value or
        // by id, that subject is matched (recorded) like those of the page, and one that does not
        // match says no page follows (a non-matching subject's existence is not told). Decided
        // only when selected.
        get hasNextPage() {
          return page.next !== null && (lookups.length === 0 && !byId ? true : matched(page.next.id));
        },
        get endCursor() {
          return last === undefined ? null : cursorOf(last.id);
        },
      },
      count:
        lookups.length === 0 && !byId
          ? () => customerCount(ctx.db, criteria, own)
          : async () => {
              // Counting by a personal value or by ids matches each subject counted: every one is recorded.
              // Each row brings its subject's state (as a page's rows do): one statement whatever the count.
              const rows = await customerIds(ctx.db, criteria, own, MAX_COUNTED_LOOKUPS + 1, ctx.enforcement.subjectStateColumns);
              if (rows.length > MAX_COUNTED_LOOKUPS) {
                throw new GatewayError(
                  ErrorCode.BAD_USER_INPUT,
                  `A count filtered by personal data records every subject it counts, at most ${MAX_COUNTED_LOOKUPS}; narrow the filter.`,
                );
              }
              await ctx.enforcement.preload(rows);
              return rows.filter((row) => matched(row.id)).length;
            },
    };
  }

  /** Never null for a visible subject (an empty profile stands in for a missing row): whether a profile exists discloses nothing. */
  @FieldResolver(() => Profile, { nullable: true })
  profile(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    const row = ctx.loaders.profile.loadNow(c.id);
    return isPromise(row) ? row.then((r) => r ?? emptyProfile(c.id)) : (row ?? emptyProfile(c.id));
  }

  @FieldResolver(() => Preferences, { nullable: true })
  @Personal("user.privacy_preferences")
  preferences(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.preferences.loadNow(c.id);
  }

  @FieldResolver(() => [Account], { nullable: true })
  @Personal("user.account")
  accounts(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.accounts.loadNow(c.id);
  }

  @FieldResolver(() => [PaymentMethod], { nullable: true })
  @Personal("user.financial.credit_card")
  paymentMethods(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.paymentMethods.loadNow(c.id);
  }

  @FieldResolver(() => [Purchase], { nullable: true })
  @Personal("user.behavior.purchase_history")
  purchases(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.purchases.loadNow(c.id);
  }

  @FieldResolver(() => [Consent], { nullable: true, description: "The current choice per purpose (latest event)." })
  @Personal("user.privacy_preferences")
  consents(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.consents.load(c.id);
  }

  @FieldResolver(() => [SubmittedMessage], { nullable: true })
  @Personal("user.content.private")
  messages(@Root() c: Customer, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.messages.loadNow(c.id);
  }

  /** user.device: that visits were recorded and how many; each visit's time and pages are browsing history. */
  @FieldResolver(() => [Visit], { nullable: true, description: "The latest visits, newest first." })
  @Personal("user.device")
  visits(@Root() c: Customer, @Ctx() ctx: GatewayContext, @Arg("first", () => Int, { defaultValue: 20 }) first: number) {
    if (first < 1 || first > MAX_VISITS) throw new GatewayError(ErrorCode.BAD_USER_INPUT, `\`first\` must be from 1 to ${MAX_VISITS}.`);
    return ctx.loaders.visits(first).load(c.id);
  }
}
