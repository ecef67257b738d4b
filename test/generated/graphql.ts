/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A postal address; omitted parts are cleared. */
export type AddressInput = {
  city: string;
  /** ISO 3166-1 alpha-2 */
  country: string;
  line1: string;
  line2?: string | null | undefined;
  postalCode: string;
};

/** A channel the customer prefers to be contacted through. */
export type ContactChannel =
  | 'APP'
  | 'EMAIL'
  | 'PHONE'
  | 'POST'
  | 'SMS';

/** Processing state of a data subject. */
export type CustomerStatus =
  | 'ACTIVE'
  | 'ERASED'
  | 'RESTRICTED';

/** What the partner is to the company: sharing with a THIRD_PARTY always needs the subject's opt-in. */
export type PartnerKind =
  | 'AFFILIATE'
  | 'SERVICE_PROVIDER'
  | 'THIRD_PARTY';

/** Changes to one's own communication preferences. Omitted fields stay as they are; null clears `preferredChannel` (the three opt-ins cannot be null). None of them is a consent under the policy (marketing rests on opt-out, not on consent): no consent event is recorded; to opt out of marketing as a purpose, use `setConsent(purpose: MARKETING, granted: false)`. */
export type PreferencesInput = {
  emailNewsletter?: boolean | null | undefined;
  postalMail?: boolean | null | undefined;
  preferredChannel?: ContactChannel | null | undefined;
  smsOffers?: boolean | null | undefined;
};

/** Corrections to one's own profile. Omitted fields stay as they are; null clears. */
export type ProfileInput = {
  address?: AddressInput | null | undefined;
  displayName?: string | null | undefined;
  email?: string | null | undefined;
  fullName?: string | null | undefined;
  language?: string | null | undefined;
  phone?: string | null | undefined;
  username?: string | null | undefined;
};

/** Why data is read; see the record of processing. */
export type Purpose =
  | 'ACCOUNT_MANAGEMENT'
  | 'ADVERTISING'
  | 'ANALYTICS'
  | 'CLAIMS'
  | 'CUSTOMER_SUPPORT'
  | 'FRAUD_PREVENTION'
  | 'LEGAL_COMPLIANCE'
  | 'MARKETING'
  | 'PAYMENTS'
  | 'PERSONALIZATION'
  | 'RESEARCH'
  | 'SERVICE_DELIVERY'
  | 'SUBJECT_REQUEST';

/** The customer's current choice about sharing with one partner: the latest consent event, or none yet. */
export type SharingChoice =
  | 'GRANTED'
  | 'NOT_CHOSEN'
  | 'WITHDRAWN';

export type MyProfileQueryVariables = Exact<{ [key: string]: never; }>;


export type MyProfileQuery = { me: { id: string, status: CustomerStatus | null, profile: { fullName: string | null, email: string | null, phone: string | null, username: string | null, language: string | null, address: { line1: string | null, city: string | null, country: string | null } | null } | null, accounts: Array<{ accountNumber: string | null, product: string | null }> | null, preferences: { emailNewsletter: boolean | null, smsOffers: boolean | null } | null, consents: Array<{ purpose: string | null, granted: boolean | null, source: string | null }> | null } | null };

export type CorrectMyProfileMutationVariables = Exact<{
  input: ProfileInput;
}>;


export type CorrectMyProfileMutation = { updateMyProfile: { fullName: string | null, email: string | null, phone: string | null, address: { line1: string | null, city: string | null, country: string | null } | null } };

export type SetMyConsentMutationVariables = Exact<{
  purpose: Purpose;
  granted: boolean;
}>;


export type SetMyConsentMutation = { setConsent: { purpose: string | null, granted: boolean | null, source: string | null, policyVersion: string | null } };

export type MyDisclosuresQueryVariables = Exact<{ [key: string]: never; }>;


export type MyDisclosuresQuery = { me: { disclosures: Array<{ at: string, callerKind: string, role: string, partnerName: string | null, callerId: string | null, purpose: Purpose | null, categories: Array<string>, masked: Array<string>, withheld: Array<string> }> } | null };

export type UpdateMyPreferencesMutationVariables = Exact<{
  input: PreferencesInput;
}>;


export type UpdateMyPreferencesMutation = { updateMyPreferences: { emailNewsletter: boolean | null, smsOffers: boolean | null, postalMail: boolean | null, preferredChannel: string | null, updatedAt: string | null } };

export type MyPartnerSharingQueryVariables = Exact<{ [key: string]: never; }>;


export type MyPartnerSharingQuery = { me: { partnerSharing: Array<{ partnerId: string | null, partnerName: string | null, partnerKind: PartnerKind | null, optInRequired: boolean | null, choice: SharingChoice | null, choiceRecordedAt: string | null, receivedCount: number | null, lastReceivedAt: string | null }> | null } | null };

export type SetMyPartnerSharingMutationVariables = Exact<{
  partnerId: string | number;
  granted: boolean;
}>;


export type SetMyPartnerSharingMutation = { setPartnerSharing: { partnerId: string | null, partnerName: string | null, partnerKind: PartnerKind | null, optInRequired: boolean | null, choice: SharingChoice | null, choiceRecordedAt: string | null, receivedCount: number | null, lastReceivedAt: string | null } };

export type MyConsentsAndObjectionsQueryVariables = Exact<{ [key: string]: never; }>;


export type MyConsentsAndObjectionsQuery = { me: { consents: Array<{ purpose: string | null, granted: boolean | null, source: string | null, recordedAt: string | null }> | null, objections: Array<{ purpose: string | null, since: string | null, requestId: string | null }> | null } | null };

export type LiftMyObjectionMutationVariables = Exact<{
  purpose: Purpose;
}>;


export type LiftMyObjectionMutation = { liftObjection: { purpose: string | null, granted: boolean | null, source: string | null } };

export type SupportCustomerPageQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type SupportCustomerPageQuery = { customers: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, status: CustomerStatus | null, residency: string | null, profile: { fullName: string | null, email: string | null, phone: string | null, address: { city: string | null, country: string | null, postalCode: string | null } | null } | null, accounts: Array<{ id: string, accountNumber: string | null, product: string | null, status: string | null }> | null, paymentMethods: Array<{ id: string, brand: string | null, lastFour: string | null, cardToken: string | null, billingAddress: { city: string | null, country: string | null } | null }> | null, preferences: { emailNewsletter: boolean | null, preferredChannel: string | null } | null } }> } };

export type CustomerByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type CustomerByIdQuery = { customer: { id: string, status: CustomerStatus | null, profile: { fullName: string | null, email: string | null } | null } | null };


export const MyProfileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyProfile"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"profile"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"language"}},{"kind":"Field","name":{"kind":"Name","value":"address"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"line1"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"accounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountNumber"}},{"kind":"Field","name":{"kind":"Name","value":"product"}}]}},{"kind":"Field","name":{"kind":"Name","value":"preferences"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"emailNewsletter"}},{"kind":"Field","name":{"kind":"Name","value":"smsOffers"}}]}},{"kind":"Field","name":{"kind":"Name","value":"consents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"granted"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}}]}}]} as unknown as DocumentNode<MyProfileQuery, MyProfileQueryVariables>;
export const CorrectMyProfileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CorrectMyProfile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ProfileInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateMyProfile"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"address"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"line1"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}}]}}]}}]} as unknown as DocumentNode<CorrectMyProfileMutation, CorrectMyProfileMutationVariables>;
export const SetMyConsentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetMyConsent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"purpose"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Purpose"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"granted"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setConsent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"purpose"},"value":{"kind":"Variable","name":{"kind":"Name","value":"purpose"}}},{"kind":"Argument","name":{"kind":"Name","value":"granted"},"value":{"kind":"Variable","name":{"kind":"Name","value":"granted"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"granted"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"policyVersion"}}]}}]}}]} as unknown as DocumentNode<SetMyConsentMutation, SetMyConsentMutationVariables>;
export const MyDisclosuresDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyDisclosures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"disclosures"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"callerKind"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"partnerName"}},{"kind":"Field","name":{"kind":"Name","value":"callerId"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"categories"}},{"kind":"Field","name":{"kind":"Name","value":"masked"}},{"kind":"Field","name":{"kind":"Name","value":"withheld"}}]}}]}}]}}]} as unknown as DocumentNode<MyDisclosuresQuery, MyDisclosuresQueryVariables>;
export const UpdateMyPreferencesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateMyPreferences"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PreferencesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateMyPreferences"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"emailNewsletter"}},{"kind":"Field","name":{"kind":"Name","value":"smsOffers"}},{"kind":"Field","name":{"kind":"Name","value":"postalMail"}},{"kind":"Field","name":{"kind":"Name","value":"preferredChannel"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<UpdateMyPreferencesMutation, UpdateMyPreferencesMutationVariables>;
export const MyPartnerSharingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyPartnerSharing"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"partnerSharing"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"partnerId"}},{"kind":"Field","name":{"kind":"Name","value":"partnerName"}},{"kind":"Field","name":{"kind":"Name","value":"partnerKind"}},{"kind":"Field","name":{"kind":"Name","value":"optInRequired"}},{"kind":"Field","name":{"kind":"Name","value":"choice"}},{"kind":"Field","name":{"kind":"Name","value":"choiceRecordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"receivedCount"}},{"kind":"Field","name":{"kind":"Name","value":"lastReceivedAt"}}]}}]}}]}}]} as unknown as DocumentNode<MyPartnerSharingQuery, MyPartnerSharingQueryVariables>;
export const SetMyPartnerSharingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetMyPartnerSharing"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"partnerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"granted"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setPartnerSharing"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"partnerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"partnerId"}}},{"kind":"Argument","name":{"kind":"Name","value":"granted"},"value":{"kind":"Variable","name":{"kind":"Name","value":"granted"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"partnerId"}},{"kind":"Field","name":{"kind":"Name","value":"partnerName"}},{"kind":"Field","name":{"kind":"Name","value":"partnerKind"}},{"kind":"Field","name":{"kind":"Name","value":"optInRequired"}},{"kind":"Field","name":{"kind":"Name","value":"choice"}},{"kind":"Field","name":{"kind":"Name","value":"choiceRecordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"receivedCount"}},{"kind":"Field","name":{"kind":"Name","value":"lastReceivedAt"}}]}}]}}]} as unknown as DocumentNode<SetMyPartnerSharingMutation, SetMyPartnerSharingMutationVariables>;
export const MyConsentsAndObjectionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyConsentsAndObjections"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"consents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"granted"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"objections"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}}]}}]}}]}}]} as unknown as DocumentNode<MyConsentsAndObjectionsQuery, MyConsentsAndObjectionsQueryVariables>;
export const LiftMyObjectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"LiftMyObjection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"purpose"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Purpose"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"liftObjection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"purpose"},"value":{"kind":"Variable","name":{"kind":"Name","value":"purpose"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"granted"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}}]} as unknown as DocumentNode<LiftMyObjectionMutation, LiftMyObjectionMutationVariables>;
export const SupportCustomerPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SupportCustomerPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"purpose"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"EnumValue","value":"CUSTOMER_SUPPORT"}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"residency"}},{"kind":"Field","name":{"kind":"Name","value":"profile"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"address"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"postalCode"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"accounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountNumber"}},{"kind":"Field","name":{"kind":"Name","value":"product"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"paymentMethods"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"lastFour"}},{"kind":"Field","name":{"kind":"Name","value":"cardToken"}},{"kind":"Field","name":{"kind":"Name","value":"billingAddress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"preferences"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"emailNewsletter"}},{"kind":"Field","name":{"kind":"Name","value":"preferredChannel"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<SupportCustomerPageQuery, SupportCustomerPageQueryVariables>;
export const CustomerByIdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CustomerById"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"profile"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]}}]} as unknown as DocumentNode<CustomerByIdQuery, CustomerByIdQueryVariables>;