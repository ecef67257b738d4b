import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import type { partnerAdminAction } from "../../db/schema/index.js";
import type { PartnerKind } from "../../policy/caller.js";
import type { Purpose } from "../../policy/purposes.js";
import { PurposeEnum } from "../common/PurposeEnum.js";

/** GraphQL enum `PartnerKind`: THIRD_PARTY -> "third_party". */
export const PartnerKindEnum = {
  AFFILIATE: "affiliate",
  SERVICE_PROVIDER: "service_provider",
  THIRD_PARTY: "third_party",
} as const satisfies Record<string, PartnerKind>;
registerEnumType(PartnerKindEnum, {
  name: "PartnerKind",
  description: "What the partner is to the company: sharing with a THIRD_PARTY always needs the subject's opt-in.",
});

export type SubjectScope = "all" | "consented" | "linked";
export const SubjectScopeEnum = { ALL: "all", CONSENTED: "consented", LINKED: "linked" } as const satisfies Record<string, SubjectScope>;
registerEnumType(SubjectScopeEnum, {
  name: "SubjectScope",
  description: "Which subjects a grant reaches: everyone, those who opted in to sharing with this partner, or those linked to it.",
});

export type GrantStatus = "active" | "scheduled" | "expired" | "revoked";
export const GrantStatusEnum = {
  ACTIVE: "active",
  SCHEDULED: "scheduled",
  EXPIRED: "expired",
  REVOKED: "revoked",
} as const satisfies Record<string, GrantStatus>;
registerEnumType(GrantStatusEnum, {
  name: "GrantStatus",
  description: "Where a grant stands now: in force, not yet valid, past its end, or revoked.",
});

@ObjectType({ description: "A partner API key as the privacy office sees it: never the key or its hash." })
export class PartnerApiKey {
  @Field(() => ID, { description: "The key id: the `<id>` in `pk_<id>_<secret>`; not secret." }) id!: string;
  @Field(() => ID) partnerId!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "Set once revoked; a revoked key authenticates nothing." }) revokedAt!: Date | null;
}

@ObjectType({ description: "A newly issued API key. `apiKey` is shown this once: only a hash of its secret is stored." })
export class IssuedApiKey {
  @Field(() => String, { description: "The full key, `pk_<id>_<secret>`, for the `x-api-key` header. Not retrievable later." })
  apiKey!: string;
  @Field(() => PartnerApiKey) key!: PartnerApiKey;
}

@ObjectType({ description: "What a partner may read, for which subjects, where, and until when. It can only narrow the policy." })
export class PartnerGrant {
  @Field(() => ID) id!: string;
  @Field(() => ID) partnerId!: string;
  @Field(() => [PurposeEnum]) purposes!: Purpose[];
  @Field(() => [String], { description: "Fides category prefixes: `user.contact` covers `user.contact.email`." }) categories!: string[];
  @Field(() => SubjectScopeEnum) subjectScope!: SubjectScope;
  @Field(() => [String], { description: "Subject residencies the grant covers." }) regions!: string[];
  @Field(() => String, { nullable: true, description: "Legal basis for transfers outside a subject's residency (e.g. SCC); null: none." })
  transferBasis!: string | null;
  @Field(() => Date) validFrom!: Date;
  @Field(() => Date) validUntil!: Date;
  @Field(() => Int) requestsPerMinute!: number;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => GrantStatusEnum) status!: GrantStatus;
}

@ObjectType({
  description:
    "An operation registered for a partner. Sent as Apollo's persisted-query extension, `{ persistedQuery: { version: 1, sha256Hash } }`, with or without the text.",
})
export class PersistedOperation {
  @Field(() => ID) partnerId!: string;
  @Field(() => String, { description: "Hex SHA-256 of `document`, the normalised text (graphql-js print of the parsed document)." })
  sha256Hash!: string;
  @Field(() => String, { description: "The normalised text: whitespace, commas and comments do not count." }) document!: string;
  @Field(() => String, { nullable: true }) operationName!: string | null;
  @Field(() => Date) registeredAt!: Date;
  @Field(() => Date, {
    nullable: true,
    description: "Set once revoked; a revoked operation no longer runs by hash nor passes the allowlist.",
  })
  revokedAt!: Date | null;
}

@ObjectType({ description: "A data recipient under contract: affiliate, service provider or third party." })
export class Partner {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => PartnerKindEnum) kind!: PartnerKind;
  @Field(() => String, { description: "Region the partner receives data in." }) region!: string;
  @Field(() => String, { description: "Reference of the contract (DPA, data-sharing agreement)." }) contractRef!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => [PartnerApiKey], { description: "Every key, revoked ones included, oldest first." }) keys!: PartnerApiKey[];
  @Field(() => [PartnerGrant], { description: "Every grant, revoked and expired ones included, newest first." }) grants!: PartnerGrant[];
  @Field(() => Boolean, { description: "Held to its allowlist: the partner may run only its registered persisted operations." })
  persistedOperationsOnly!: boolean;
  @Field(() => [PersistedOperation], {
    description: "Every persisted operation registered for the partner, revoked ones included, newest first.",
  })
  persistedOperations!: PersistedOperation[];
}

@ObjectType({ description: "The calling partner's grant in force: what it may read, where, until when, and how often." })
export class MyGrant {
  @Field(() => ID) partnerId!: string;
  @Field(() => PartnerKindEnum) partnerKind!: PartnerKind;
  @Field(() => String) partnerRegion!: string;
  @Field(() => ID, { description: "The API key this request came with." }) keyId!: string;
  @Field(() => ID) grantId!: string;
  @Field(() => [PurposeEnum]) purposes!: Purpose[];
  @Field(() => [String]) categories!: string[];
  @Field(() => SubjectScopeEnum) subjectScope!: SubjectScope;
  @Field(() => [String]) regions!: string[];
  @Field(() => String, { nullable: true }) transferBasis!: string | null;
  @Field(() => Date) validFrom!: Date;
  @Field(() => Date) validUntil!: Date;
  @Field(() => Int, { description: "Requests per minute per API key; more get HTTP 429 RATE_LIMITED." }) requestsPerMinute!: number;
}

@InputType({ description: "A new partner. Keys and grants are added separately." })
export class CreatePartnerInput {
  @Field(() => String) name!: string;
  @Field(() => PartnerKindEnum) kind!: PartnerKind;
  @Field(() => String, { description: "Region code the partner receives data in, e.g. EU or US." }) region!: string;
  @Field(() => String) contractRef!: string;
}

@InputType({ description: "A new grant for a partner. It takes effect at validFrom; the newest grant in force applies." })
export class CreateGrantInput {
  @Field(() => ID) partnerId!: string;
  @Field(() => [PurposeEnum]) purposes!: Purpose[];
  @Field(() => [String], { description: "Fides category prefixes; each must cover at least one known category." }) categories!: string[];
  @Field(() => SubjectScopeEnum) subjectScope!: SubjectScope;
  @Field(() => [String], { description: "Subject residencies covered, e.g. [EU, UK]." }) regions!: string[];
  @Field(() => String, { nullable: true, description: "Legal basis for transfers outside a subject's residency; omit for none." })
  transferBasis?: string | null;
  @Field(() => Date) validFrom!: Date;
  @Field(() => Date) validUntil!: Date;
  @Field(() => Int) requestsPerMinute!: number;
}

@InputType({
  description: "An operation to register for a partner: one operation (query or mutation) and its fragments, valid against the schema.",
})
export class RegisterPersistedOperationInput {
  @Field(() => ID) partnerId!: string;
  @Field(() => String, { description: "The GraphQL document; stored and hashed in normalised form." }) document!: string;
}

export type PartnerAdminAction = (typeof partnerAdminAction.enumValues)[number];
export const PartnerAdminActionEnum = {
  PARTNER_CREATED: "partner_created",
  API_KEY_ISSUED: "api_key_issued",
  API_KEY_REVOKED: "api_key_revoked",
  GRANT_CREATED: "grant_created",
  GRANT_REVOKED: "grant_revoked",
  PERSISTED_OPERATION_REGISTERED: "persisted_operation_registered",
  PERSISTED_OPERATION_REVOKED: "persisted_operation_revoked",
  PERSISTED_OPERATIONS_ONLY_SET: "persisted_operations_only_set",
} as const satisfies Record<string, PartnerAdminAction>;
registerEnumType(PartnerAdminActionEnum, { name: "PartnerAdminAction", description: "A change to a partner's access." });

@ObjectType({
  description: "A change the privacy office made to a partner's access: what, on what, by whom, when. Written with the change itself.",
})
export class PartnerAdminEvent {
  @Field(() => ID) id!: string;
  @Field(() => ID) partnerId!: string;
  @Field(() => PartnerAdminActionEnum) action!: PartnerAdminAction;
  @Field(() => String, { nullable: true, description: "A key id, a grant id or an operation's hash; null for the partner itself." })
  target!: string | null;
  @Field(() => String, { description: "The privacy officer's staff id." }) actorId!: string;
  @Field(() => String, { nullable: true, description: "`ALREADY_REVOKED` (nothing changed), `ENABLED` or `DISABLED`." }) note!:
    | string
    | null;
  @Field(() => Date) at!: Date;
}
