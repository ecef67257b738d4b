/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query MyProfile {\n  me {\n    id\n    status\n    profile {\n      fullName\n      email\n      phone\n      username\n      language\n      address {\n        line1\n        city\n        country\n      }\n    }\n    accounts {\n      accountNumber\n      product\n    }\n    preferences {\n      emailNewsletter\n      smsOffers\n    }\n    consents {\n      purpose\n      granted\n      source\n    }\n  }\n}\n\nmutation CorrectMyProfile($input: ProfileInput!) {\n  updateMyProfile(input: $input) {\n    fullName\n    email\n    phone\n    address {\n      line1\n      city\n      country\n    }\n  }\n}\n\nmutation SetMyConsent($purpose: Purpose!, $granted: Boolean!) {\n  setConsent(purpose: $purpose, granted: $granted) {\n    purpose\n    granted\n    source\n    policyVersion\n  }\n}\n\nquery MyDisclosures {\n  me {\n    disclosures(first: 20) {\n      at\n      callerKind\n      role\n      partnerName\n      callerId\n      purpose\n      categories\n      masked\n      withheld\n    }\n  }\n}": typeof types.MyProfileDocument,
    "query SupportCustomerPage($first: Int!, $after: String) @purpose(name: CUSTOMER_SUPPORT) {\n  customers(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        status\n        residency\n        profile {\n          fullName\n          email\n          phone\n          address {\n            city\n            country\n            postalCode\n          }\n        }\n        accounts {\n          id\n          accountNumber\n          product\n          status\n        }\n        paymentMethods {\n          id\n          brand\n          lastFour\n          cardToken\n          billingAddress {\n            city\n            country\n          }\n        }\n        preferences {\n          emailNewsletter\n          preferredChannel\n        }\n      }\n    }\n  }\n}\n\nquery CustomerById($id: ID!) {\n  customer(id: $id) {\n    id\n    status\n    profile {\n      fullName\n      email\n    }\n  }\n}": typeof types.SupportCustomerPageDocument,
};
const documents: Documents = {
    "query MyProfile {\n  me {\n    id\n    status\n    profile {\n      fullName\n      email\n      phone\n      username\n      language\n      address {\n        line1\n        city\n        country\n      }\n    }\n    accounts {\n      accountNumber\n      product\n    }\n    preferences {\n      emailNewsletter\n      smsOffers\n    }\n    consents {\n      purpose\n      granted\n      source\n    }\n  }\n}\n\nmutation CorrectMyProfile($input: ProfileInput!) {\n  updateMyProfile(input: $input) {\n    fullName\n    email\n    phone\n    address {\n      line1\n      city\n      country\n    }\n  }\n}\n\nmutation SetMyConsent($purpose: Purpose!, $granted: Boolean!) {\n  setConsent(purpose: $purpose, granted: $granted) {\n    purpose\n    granted\n    source\n    policyVersion\n  }\n}\n\nquery MyDisclosures {\n  me {\n    disclosures(first: 20) {\n      at\n      callerKind\n      role\n      partnerName\n      callerId\n      purpose\n      categories\n      masked\n      withheld\n    }\n  }\n}": types.MyProfileDocument,
    "query SupportCustomerPage($first: Int!, $after: String) @purpose(name: CUSTOMER_SUPPORT) {\n  customers(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        status\n        residency\n        profile {\n          fullName\n          email\n          phone\n          address {\n            city\n            country\n            postalCode\n          }\n        }\n        accounts {\n          id\n          accountNumber\n          product\n          status\n        }\n        paymentMethods {\n          id\n          brand\n          lastFour\n          cardToken\n          billingAddress {\n            city\n            country\n          }\n        }\n        preferences {\n          emailNewsletter\n          preferredChannel\n        }\n      }\n    }\n  }\n}\n\nquery CustomerById($id: ID!) {\n  customer(id: $id) {\n    id\n    status\n    profile {\n      fullName\n      email\n    }\n  }\n}": types.SupportCustomerPageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MyProfile {\n  me {\n    id\n    status\n    profile {\n      fullName\n      email\n      phone\n      username\n      language\n      address {\n        line1\n        city\n        country\n      }\n    }\n    accounts {\n      accountNumber\n      product\n    }\n    preferences {\n      emailNewsletter\n      smsOffers\n    }\n    consents {\n      purpose\n      granted\n      source\n    }\n  }\n}\n\nmutation CorrectMyProfile($input: ProfileInput!) {\n  updateMyProfile(input: $input) {\n    fullName\n    email\n    phone\n    address {\n      line1\n      city\n      country\n    }\n  }\n}\n\nmutation SetMyConsent($purpose: Purpose!, $granted: Boolean!) {\n  setConsent(purpose: $purpose, granted: $granted) {\n    purpose\n    granted\n    source\n    policyVersion\n  }\n}\n\nquery MyDisclosures {\n  me {\n    disclosures(first: 20) {\n      at\n      callerKind\n      role\n      partnerName\n      callerId\n      purpose\n      categories\n      masked\n      withheld\n    }\n  }\n}"): (typeof documents)["query MyProfile {\n  me {\n    id\n    status\n    profile {\n      fullName\n      email\n      phone\n      username\n      language\n      address {\n        line1\n        city\n        country\n      }\n    }\n    accounts {\n      accountNumber\n      product\n    }\n    preferences {\n      emailNewsletter\n      smsOffers\n    }\n    consents {\n      purpose\n      granted\n      source\n    }\n  }\n}\n\nmutation CorrectMyProfile($input: ProfileInput!) {\n  updateMyProfile(input: $input) {\n    fullName\n    email\n    phone\n    address {\n      line1\n      city\n      country\n    }\n  }\n}\n\nmutation SetMyConsent($purpose: Purpose!, $granted: Boolean!) {\n  setConsent(purpose: $purpose, granted: $granted) {\n    purpose\n    granted\n    source\n    policyVersion\n  }\n}\n\nquery MyDisclosures {\n  me {\n    disclosures(first: 20) {\n      at\n      callerKind\n      role\n      partnerName\n      callerId\n      purpose\n      categories\n      masked\n      withheld\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SupportCustomerPage($first: Int!, $after: String) @purpose(name: CUSTOMER_SUPPORT) {\n  customers(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        status\n        residency\n        profile {\n          fullName\n          email\n          phone\n          address {\n            city\n            country\n            postalCode\n          }\n        }\n        accounts {\n          id\n          accountNumber\n          product\n          status\n        }\n        paymentMethods {\n          id\n          brand\n          lastFour\n          cardToken\n          billingAddress {\n            city\n            country\n          }\n        }\n        preferences {\n          emailNewsletter\n          preferredChannel\n        }\n      }\n    }\n  }\n}\n\nquery CustomerById($id: ID!) {\n  customer(id: $id) {\n    id\n    status\n    profile {\n      fullName\n      email\n    }\n  }\n}"): (typeof documents)["query SupportCustomerPage($first: Int!, $after: String) @purpose(name: CUSTOMER_SUPPORT) {\n  customers(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        status\n        residency\n        profile {\n          fullName\n          email\n          phone\n          address {\n            city\n            country\n            postalCode\n          }\n        }\n        accounts {\n          id\n          accountNumber\n          product\n          status\n        }\n        paymentMethods {\n          id\n          brand\n          lastFour\n          cardToken\n          billingAddress {\n            city\n            country\n          }\n        }\n        preferences {\n          emailNewsletter\n          preferredChannel\n        }\n      }\n    }\n  }\n}\n\nquery CustomerById($id: ID!) {\n  customer(id: $id) {\n    id\n    status\n    profile {\n      fullName\n      email\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;