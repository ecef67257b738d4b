import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import {
  REJECTION_REASONS,
  RESTRICTION_GROUNDS,
  SUBJECT_REQUEST_KINDS,
  SUBJECT_REQUEST_STATES,
  type RejectionReason,
  type RestrictionGround,
  type SubjectRequestKind,
  type SubjectRequestState,
} from "../../dsr/transitions.js";
import { REPORT_READABLE_DAYS } from "../../dsr/reportDelivery.js";
import type { RequestOutcome } from "../../dsr/requestOutcome.js";
import type { Purpose } from "../../policy/purposes.js";
import { PurposeEnum } from "../common/PurposeEnum.js";
import { ProfileInput } from "../profile/ProfileInput.js";

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v.toUpperCase(), v])) as Record<string, T>;

export const SubjectRequestKindEnum = enumOf(SUBJECT_REQUEST_KINDS);
registerEnumType(SubjectRequestKindEnum, { name: "SubjectRequestKind", description: "The right a data-subject request exercises." });

export const SubjectRequestStateEnum = enumOf(SUBJECT_REQUEST_STATES);
registerEnumType(SubjectRequestStateEnum, {
  name: "SubjectRequestState",
  description: "received -> verified -> completed, or rejected from received or verified.",
});

export const RejectionReasonEnum = enumOf(REJECTION_REASONS);
registerEnumType(RejectionReasonEnum, {
  name: "SubjectRequestRejection",
  description: "Why a request was rejected (a code, never free text).",
});

export const RestrictionGroundEnum = enumOf(RESTRICTION_GROUNDS);
registerEnumType(RestrictionGroundEnum, { name: "RestrictionGround", description: "Grounds for restricting processing." });

@InputType({
  description:
    "What the request asks for, by kind: purposes for an objection, corrections for a rectification, grounds for a restriction; nothing for the others.",
})
export class SubjectRequestDetailInput {
  @Field(() => [PurposeEnum], { nullable: true, description: "Objection: the purposes objected to (opt-out purposes)." })
  purposes?: Purpose[] | null;

  @Field(() => ProfileInput, { nullable: true, description: "Rectification: the corrected values, applied when the request is completed." })
  corrections?: ProfileInput | null;

  @Field(() => RestrictionGroundEnum, { nullable: true, description: "Restriction: the grounds." })
  grounds?: RestrictionGround | null;
}

@ObjectType({ description: "One step of a data-subject request: who moved it, when, and a note code (never a value)." })
export class SubjectRequestEvent {
  @Field(() => ID) id!: string;
  @Field(() => SubjectRequestStateEnum, { nullable: true }) fromState!: SubjectRequestState | null;
  @Field(() => SubjectRequestStateEnum) toState!: SubjectRequestState;
  @Field(() => String, { description: "customer or staff" }) actorKind!: string;
  @Field(() => String, { nullable: true, description: "The actor's id: shown to the privacy office only" }) actorId!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "FILED, IDENTITY_CHECK:<claim>=<outcome>,..., IDENTITY_VERIFIED:<basis>, REPORT_DELIVERED:<subject|office>, REJECTED:<reason>, ERASED_ROWS:<n>, CORRECTED:<categories>, ...",
  })
  note!: string | null;
  @Field(() => Date) at!: Date;
}

@ObjectType({ description: "A data-subject request (access, portability, rectification, erasure, restriction, objection)." })
export class SubjectRequest {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: "The data subject (customer id)" }) subjectId!: string;
  @Field(() => SubjectRequestKindEnum) kind!: SubjectRequestKind;
  @Field(() => SubjectRequestStateEnum) state!: SubjectRequestState;
  @Field(() => Date) receivedAt!: Date;
  @Field(() => Date, { description: "30 days after receipt" }) dueAt!: Date;
  @Field(() => Date, { nullable: true }) verifiedAt!: Date | null;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;
  @Field(() => Boolean, { description: "Still open past its due date" }) overdue!: boolean;
  @Field(() => [PurposeEnum], { description: "Objection: the purposes objected to" }) objectedPurposes!: Purpose[];
  @Field(() => [String], { description: "Rectification: the profile fields corrected (names only, never values)" })
  correctedFields!: string[];
  @Field(() => RestrictionGroundEnum, { nullable: true }) grounds!: RestrictionGround | null;
  /** The outcome stored at completion; the `outcome` field resolves it (SubjectRequestResolver). */
  storedOutcome!: RequestOutcome | null;
  @Field(() => Date, {
    nullable: true,
    description: `A completed access or portability request: until when its subject still reads the report (${REPORT_READABLE_DAYS} days after completion)`,
  })
  reportReadableUntil!: Date | null;
}

export type { RejectionReason };
