import { Field, ID, Int, ObjectType } from "type-graphql";
import type { PartnerKind } from "../../policy/caller.js";
import { PartnerKindEnum } from "../partner/PartnerTypes.js";

@ObjectType({ description: "Why an erasure kept a table's rows: a retention rule under legal hold, or the tombstone." })
export class ErasureHold {
  @Field(() => String, { description: "The retention rule's category key (user.behavior.purchase_history), or tombstone" }) rule!: string;
  @Field(() => String, { nullable: true, description: "The retention in words; null for the tombstone" }) retention!: string | null;
  @Field(() => String) reason!: string;
}

@ObjectType({ description: "What an erasure did to one table's rows about the subject; each row counted once." })
export class TableOutcome {
  @Field(() => String) table!: string;
  @Field(() => Int, { description: "Rows deleted" }) erased!: number;
  @Field(() => Int, { description: "Rows kept with every personal value nulled" }) anonymised!: number;
  @Field(() => Int, { description: "Rows kept with values a hold names in heldBy (the rest nulled)" }) held!: number;
  @Field(() => [ErasureHold]) heldBy!: ErasureHold[];
}

@ObjectType({
  description:
    "A partner that received the subject's data (from the disclosure log), to be told of the erasure or rectification (GDPR art. 19). Coordinates, never values.",
})
export class NotifiedRecipient {
  @Field(() => ID) partnerId!: string;
  @Field(() => String, { nullable: true, description: "The partner's name, as registered now" }) name!: string | null;
  @Field(() => PartnerKindEnum, { nullable: true }) kind!: PartnerKind | null;
  @Field(() => Int, { description: "Disclosure records (one per request) that released the data" }) disclosures!: number;
  @Field(() => Date) lastDisclosedAt!: Date;
  @Field(() => [String], { description: "Field coordinates released to it (as stored, masked or pseudonymised)" }) coordinates!: string[];
}

@ObjectType({
  description: "What completing an erasure or a rectification did, as recorded at completion: counts, rules, partners, never a value.",
})
export class SubjectRequestOutcome {
  @Field(() => [TableOutcome], { description: "Erasure: every table it swept; empty for a rectification" }) tables!: TableOutcome[];
  @Field(() => [NotifiedRecipient], {
    description:
      "Partners to notify: for an erasure, every partner that received any of the subject's data; for a rectification, those that received a corrected field",
  })
  recipients!: NotifiedRecipient[];
}
