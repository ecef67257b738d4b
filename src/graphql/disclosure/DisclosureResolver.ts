import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { isPurpose } from "../../policy/purposes.js";
import type { GatewayContext } from "../context.js";
import { isUuid } from "../customer/cursor.js";
import { Customer } from "../customer/Customer.js";
import { readsAccountingOf, readsTheLog } from "./accountingReaders.js";
import { Disclosure, DisclosureFilter } from "./Disclosure.js";
import { findDisclosures } from "./disclosureQueries.js";

const MAX = 500;

const limitOf = (first: number) => {
  if (first < 1 || first > MAX) throw new GatewayError(ErrorCode.BAD_USER_INPUT, `\`first\` must be from 1 to ${MAX}.`);
  return first;
};

/** A log row as the API shows it; staff ids and key ids only in the staff view. */
function toDisclosure(
  ctx: GatewayContext,
  { row, partnerName }: Awaited<ReturnType<typeof findDisclosures>>[number],
  staffView: boolean,
): Disclosure {
  const { fields, inputs } = ctx.enforcement.dataMap;
  const categoryOf = (coordinate: string): string | undefined => (fields.get(coordinate) ?? inputs.get(coordinate))?.category;
  const shown = [...row.disclosed, ...row.masked, ...row.pseudonymized];
  return {
    id: row.id,
    at: row.recordedAt,
    subjectId: row.customerId,
    callerKind: row.callerKind,
    role: row.role,
    partnerName,
    callerId: staffView ? row.callerId : null,
    purpose: isPurpose(row.purpose) ? row.purpose : null,
    subjectRequestId: row.subjectRequestId,
    policyVersion: row.policyVersion,
    categories: [...new Set(shown.map(categoryOf).filter((c): c is string => Boolean(c)))].sort(),
    disclosed: row.disclosed,
    masked: row.masked,
    pseudonymized: row.pseudonymized,
    withheld: row.withheld,
    requestId: row.requestId,
  };
}

@Resolver(() => Customer)
export class DisclosureResolver {
  @FieldResolver(() => [Disclosure], {
    description: "Who read this customer's data, for what, when (newest first): for the customer themself, the privacy office and legal.",
  })
  async disclosures(@Root() c: Customer, @Ctx() ctx: GatewayContext, @Arg("first", () => Int, { defaultValue: 50 }) first: number) {
    if (!readsAccountingOf(ctx, "Customer.disclosures", c.id))
      throw new GatewayError(ErrorCode.FORBIDDEN, "Only the customer, the privacy office and legal read the disclosures of a customer.");
    const rows = await findDisclosures(ctx.db, { subjectId: c.id }, limitOf(first));
    return rows.map((r) => toDisclosure(ctx, r, readsTheLog(ctx)));
  }

  @Query(() => [Disclosure], { description: "The disclosure log by subject, partner, purpose and time (privacy office and legal)." })
  async disclosureLog(
    @Ctx() ctx: GatewayContext,
    @Arg("filter", () => DisclosureFilter, { nullable: true }) filter: DisclosureFilter | null,
    @Arg("first", () => Int, { defaultValue: 100 }) first: number,
  ) {
    // An id that is not a UUID names no record (and would fail as SQL).
    if ([filter?.subjectId, filter?.partnerId].some((id) => id != null && !isUuid(id))) return [];
    const rows = await findDisclosures(ctx.db, filter ?? {}, limitOf(first));
    return rows.map((r) => toDisclosure(ctx, r, true));
  }
}
