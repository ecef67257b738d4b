import type { Workload } from "./Workload.js";
import { json, list } from "./Workload.js";

/** A support agent's page of customers with their accounts and cards. */
export function pageWorkload(options: { first: number; staffToken: string }): Workload {
  const gatewayQuery = `query SupportPage($first: Int!) @purpose(name: CUSTOMER_SUPPORT) {
  customers(first: $first) {
    totalCount
    edges { node {
      id status residency createdAt
      profile { fullName email phone address { line1 postalCode city country } }
      accounts { id accountNumber product status openedAt }
      paymentMethods { id brand lastFour expiry billingAddress { city country } addedAt }
    } }
  }
}`;
  const postgraphileQuery = `query SupportPage($first: Int!) {
  allCustomers(first: $first, orderBy: [PRIMARY_KEY_ASC]) {
    totalCount
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
  const gatewayItems = (data: unknown) => rows(
    list(data, "customers", "edges").map((e) => (e as { node: unknown }).node),
    (n) => list(n, "accounts"), (n) => list(n, "paymentMethods"),
  );
  return {
    key: "page",
    title: `page: ${options.first} customers with accounts and cards`,
    description: `a support agent (JWT) reads a page of ${options.first} customers with profile, accounts and payment cards for \`customer_support\`: ` +
      "street, postal code, account numbers, card expiry masked; the page leaves out erased and restricted subjects in SQL",
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
      items: (data) => rows(
        list(data, "allCustomers", "nodes"),
        (n) => list(n, "accountsByCustomerId", "nodes"), (n) => list(n, "paymentMethodsByCustomerId", "nodes"),
      ),
    },
    rawSql: { path: "/page", headers: json, body: { first: options.first }, items: gatewayItems },
  };
}
