import type { Workload } from "./Workload.js";
import { json, list } from "./Workload.js";

/**
 * A support agent's page of active customers with their accounts and cards. Every side asks for
 * active customers, the page the guarded gateway would serve anyway (it leaves out restricted and
 * erased subjects), so that all serve the same customers. No side counts them: on the gateway a
 * count filtered by a personal value (the status) records every subject it counts, at most 5,000.
 */
export function pageWorkload(options: { first: number; staffToken: string }): Workload {
  const gatewayQuery = `query SupportPage($first: Int!) @purpose(name: CUSTOMER_SUPPORT) {
  customers(first: $first, filter: { status: ACTIVE }) {
    edges { node {
      id status residency createdAt
      profile { fullName email phone address { line1 postalCode city country } }
      accounts { id accountNumber product status openedAt }
      paymentMethods { id brand lastFour expiry billingAddress { city country } addedAt }
    } }
  }
}`;
  const postgraphileQuery = `query SupportPage($first: Int!) {
  allCustomers(first: $first, condition: { status: ACTIVE }, orderBy: [PRIMARY_KEY_ASC]) {
    nodes {
      id status residency createdAt
      profileByCustomerId { fullName email phone addressLine1 postalCode city country }
      accountsByCustomerId(orderBy: [OPENED_AT_ASC, ID_ASC]) { nodes { id accountNumber product status openedAt } }
      paymentMethodsByCustomerId(orderBy: [ADDED_AT_ASC, ID_ASC]) { nodes { id brand lastFour expiry billingCity billingCountry addedAt } }
    }
  }
}`;
  /** Customers on the page, plus their accounts and cards. */
  const rows = (nodes: unknown[], accounts: (n: unknown) => unknown[], cards: (n: unknown) => unknown[]) =>
    nodes.length + nodes.reduce<number>((sum, n) => sum + accounts(n).length + cards(n).length, 0);
  const gatewayItems = (data: unknown) =>
    rows(
      list(data, "customers", "edges").map((e) => (e as { node: unknown }).node),
      (n) => list(n, "accounts"),
      (n) => list(n, "paymentMethods"),
    );
  return {
    key: "page",
    title: `page: ${options.first} customers with accounts and cards`,
    description:
      `a support agent (JWT) reads a page of ${options.first} customers with profile, accounts and payment cards for \`customer_support\`: ` +
      "street, postal code, account numbers, card expiry masked; every side pages over active customers (the guarded side would leave out erased and restricted ones anyway), so all serve the same 100",
    connections: 4,
    perConnection: 8,
    sequential: { uncounted: 2, counted: 3 },
    gateway: {
      headers: { ...json, authorization: `Bearer ${options.staffToken}` },
      body: { query: gatewayQuery, variables: { first: options.first } },
      items: gatewayItems,
    },
    postgraphile: {
      headers: json,
      body: { query: postgraphileQuery, variables: { first: options.first } },
      items: (data) =>
        rows(
          list(data, "allCustomers", "nodes"),
          (n) => list(n, "accountsByCustomerId", "nodes"),
          (n) => list(n, "paymentMethodsByCustomerId", "nodes"),
        ),
    },
    rawSql: { path: "/page", headers: json, body: { first: options.first }, items: gatewayItems },
  };
}
