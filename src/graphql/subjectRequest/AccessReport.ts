import { Field, ID, Int, ObjectType } from "type-graphql";
import type { Effect } from "../../policy/matrix.js";
import { DEFAULT_POLICY } from "../../policy/defaultPolicy.js";
import { formatPeriod } from "../../policy/retention.js";
import { CustomerStatus } from "../customer/Customer.js";
import { PageInfo } from "../customer/CustomerConnection.js";
import { AccessEffect } from "../explain/AccessExplanation.js";

@ObjectType({
  description: "One personal value held about the subject, as released to the privacy office under subject_request (or why not).",
})
export class AccessReportEntry {
  @Field(() => String, {
    nullable: true,
    description: "Field coordinate (Profile.email); null for a column never exposed (a password hash)",
  })
  coordinate!: string | null;
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field(() => String) table!: string;
  @Field(() => String) column!: string;
  @Field(() => String) rowId!: string;
  @Field(() => String, {
    nullable: true,
    description: "As released: as stored, masked or pseudonymised; JSON for non-strings; null when withheld",
  })
  value!: string | null;
  @Field(() => Boolean) withheld!: boolean;
  @Field(() => AccessEffect) effect!: Effect;
  @Field(() => String, { description: "ALLOWED, MASKED, ... or why withheld (ERASED, NO_SAFE_FORM, NOT_DISCLOSED)" }) reasonCode!: string;
  @Field(() => [String], { description: "Purposes the policy lets use this category" }) purposes!: string[];
  @Field(() => String, { description: 'Retention period, or "not set"' }) retention!: string;
  @Field(() => String, { description: "provided by the subject, collected automatically, or derived" }) source!: string;
  @Field(() => String, { nullable: true, description: "For a column never exposed: why" }) note!: string | null;
}

@ObjectType({ description: "Who received the subject's data, from the disclosure log (kinds and roles, never names)." })
export class AccessReportRecipient {
  @Field(() => String) callerKind!: string;
  @Field(() => String) role!: string;
  @Field(() => ID, { nullable: true }) partnerId!: string | null;
  @Field(() => [String]) purposes!: string[];
  @Field(() => Date) lastDisclosedAt!: Date;
}

@ObjectType({ description: "One table of the subject's data: where it comes from and how many rows the subject has there." })
export class AccessReportSection {
  @Field(() => String) table!: string;
  @Field(() => String) source!: string;
  @Field(() => Int) rows!: number;
}

@ObjectType({ description: "The subject access report of a verified access or portability request, a page of rows at a time." })
export class AccessReport {
  @Field(() => ID) requestId!: string;
  @Field(() => ID) subjectId!: string;
  @Field(() => CustomerStatus, {
    nullable: true,
    description: "The subject's status, decided for you as Customer.status is in any read (null when withheld)",
  })
  subjectStatus!: CustomerStatus | null;
  @Field(() => Date) generatedAt!: Date;
  @Field(() => String) policyVersion!: string;
  @Field(() => [AccessReportSection], {
    description: "Every table of the subject's data with its row count (on every page), where some value of the table may leave to you",
  })
  sections!: AccessReportSection[];
  @Field(() => [AccessReportEntry], { description: "The values of this page's rows, in table then row order" })
  entries!: AccessReportEntry[];
  @Field(() => [AccessReportRecipient], {
    description: `Who received the subject's data, as far back as the disclosure log reaches: it keeps a record ${formatPeriod(DEFAULT_POLICY.disclosureLogRetention.period)}, then drops it a month at a time`,
  })
  recipients!: AccessReportRecipient[];
  @Field(() => PageInfo, { description: "Pass endCursor as `after` for the next page; hasNextPage false: the report is complete" })
  pageInfo!: PageInfo;
}
