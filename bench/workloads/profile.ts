import type { Workload } from "./Workload.js";
import { json, list } from "./Workload.js";

/** A customer's own profile: `me` with accounts and preferences, as a frontend app reads it. */
export function profileWorkload(options: { customerId: string; customerToken: string }): Workload {
  const gatewayQuery = `query MyProfile {
  me {
    id status residency createdAt
    profile { fullName displayName email phone address { line1 line2 postalCode city country } username language updatedAt }
    accounts { id accountNumber product status openedAt }
    preferences { emailNewsletter smsOffers postalMail preferredChannel updatedAt }
  }
}`;
  const postgraphileQuery = `query MyProfile($id: UUID!) {
  customerById(id: $id) {
    id status residency createdAt
    profileByCustomerId { fullName displayName email phone addressLine1 addressLine2 postalCode city country username language updatedAt }
    accountsByCustomerId(orderBy: [OPENED_AT_ASC, ID_ASC]) { nodes { id accountNumber product status openedAt } }
    preferenceByCustomerId { emailNewsletter smsOffers postalMail preferredChannel updatedAt }
  }
}`;
  const accounts = (path: string[]) => (data: unknown) => 1 + list(data, ...path).length;
  return {
    key: "profile",
    title: "profile: `me` with accounts and preferences",
    description:
      "a customer (JWT) reads their own profile, accounts and preferences; purpose `account_management` by default, every value as stored",
    connections: 8,
    perConnection: 8,
    sequential: { uncounted: 2, counted: 3 },
    gateway: {
      headers: { ...json, authorization: `Bearer ${options.customerToken}` },
      body: { query: gatewayQuery },
      items: accounts(["me", "accounts"]),
    },
    postgraphile: {
      headers: json,
      body: { query: postgraphileQuery, variables: { id: options.customerId } },
      items: accounts(["customerById", "accountsByCustomerId", "nodes"]),
    },
    rawSql: {
      path: "/profile",
      headers: json,
      body: { id: options.customerId },
      items: accounts(["me", "accounts"]),
    },
  };
}
