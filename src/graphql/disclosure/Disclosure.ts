import { Field, ID, InputType, ObjectType } from "type-graphql";
import { PurposeEnum } from "../common/PurposeEnum.js";
import type { Purpose } from "../../policy/purposes.js";

@ObjectType({ description: "One request's reading of one subject's data: who, for what, which categories, when. Never a value." })
export class Disclosure {
  @Field(() => ID) id!: string;
  @Field(() => Date) at!: Date;
  @Field(() => ID) subjectId!: string;
  @Field(() => String, { description: "customer, staff or partner" }) callerKind!: string;
  @Field(() => String, { description: "The staff role, the partner kind, or customer" }) role!: string;
  @Field(() => String, { nullable: true, description: "The partner's name, when a partner read" }) partnerName!: string | null;
  @Field(() => String, { nullable: true, description: "Staff id or partner/key id; only in the staff view of the log" }) callerId!:
    | string
    | null;
  @Field(() => PurposeEnum, { nullable: true }) purpose!: Purpose | null;
  @Field(() => ID, { nullable: true }) subjectRequestId!: string | null;
  @Field(() => String, { description: "The policy that decided the reads: the policy file's version and its content hash" })
  policyVersion!: string;
  @Field(() => [String], { description: "Data categories disclosed in any form (as stored, masked or pseudonymised)" })
  categories!: string[];
  @Field(() => [String]) disclosed!: string[];
  @Field(() => [String]) masked!: string[];
  @Field(() => [String]) pseudonymized!: string[];
  @Field(() => [String]) withheld!: string[];
  @Field(() => String, { description: "Request id, to match the gateway's logs" }) requestId!: string;
}

@InputType({ description: "Filter on the disclosure log (staff)." })
export class DisclosureFilter {
  @Field(() => ID, { nullable: true }) subjectId?: string | null;
  @Field(() => ID, { nullable: true }) partnerId?: string | null;
  @Field(() => PurposeEnum, { nullable: true }) purpose?: Purpose | null;
  @Field(() => Date, { nullable: true }) from?: Date | null;
  @Field(() => Date, { nullable: true }) to?: Date | null;
}
