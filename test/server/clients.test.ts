import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { Client, cacheExchange, fetchExchange } from "@urql/core";
import { ClientError, GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customers } from "../../src/db/schema/index.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

/**
 * Real client libraries, with their defaults, against the running gateway over HTTP: Apollo
 * Client 4 (which reads an error body whatever the status only in
 * `application/graphql-response+json`), urql (queries over GET) and graphql-request.
 */

let gw: TestGateway;
let staff: Record<string, string>;

const PAGE = "query Page @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { totalCount edges { node { id profile { email } } } } }";

beforeAll(async () => {
  gw = await startTestGateway();
  staff = bearer(await gw.token("support_agent"));
});
afterAll(async () => {
  await gw?.close();
});

/** The methods of the requests the gateway logged after the first `from` lines of its log. */
function methodsSince(from: number): (string | undefined)[] {
  return gw.logs
    .slice(from)
    .map((l) => JSON.parse(l) as { msg?: string; method?: string })
    .filter((l) => l.msg === "request")
    .map((l) => l.method);
}

describe("Apollo Client 4", () => {
  const client = (headers: Record<string, string>) =>
    new ApolloClient({ link: new HttpLink({ uri: gw.url, headers }), cache: new InMemoryCache() });

  it("runs a query", async () => {
    const { data } = await client(staff).query<any>({ query: gql(PAGE) });
    expect(data.customers.totalCount).toBeGreaterThan(0);
    expect(data.customers.edges[0].node.profile.email).toMatch(/@/);
  });

  it("shows a 401 as GraphQL errors with the gateway's code, not an opaque ServerError", async () => {
    const error = await client({})
      .query({ query: gql(PAGE) })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(CombinedGraphQLErrors.is(error)).toBe(true);
    expect((error as CombinedGraphQLErrors).errors[0]!.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("shows other refusals the same way: an expired token (401), a purpose the role may not declare (403)", async () => {
    const expired = bearer(await gw.token("support_agent", "staff-test", { expiresIn: "-1m" }));
    const unauthenticated = await client(expired)
      .query({ query: gql(PAGE) })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((unauthenticated as CombinedGraphQLErrors).errors[0]!.extensions?.code).toBe("UNAUTHENTICATED");
    const [someone] = await gw.database.db.select({ id: customers.id }).from(customers).limit(1);
    const customer = bearer(await gw.token("customer", someone!.id));
    const forbidden = await client(customer)
      .query({ query: gql(PAGE) })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((forbidden as CombinedGraphQLErrors).errors[0]!.extensions?.code).toBe("PURPOSE_NOT_ALLOWED");
  });
});

describe("urql with its defaults", () => {
  const client = (headers: Record<string, string>) =>
    new Client({ url: gw.url, exchanges: [cacheExchange, fetchExchange], fetchOptions: { headers } });

  it("sends a query over GET, and it is answered", async () => {
    const from = gw.logs.length;
    const result = await client(staff).query(PAGE, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data.customers.totalCount).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(methodsSince(from)).toEqual(["GET"]);
  });

  it("shows a 401 with the gateway's code", async () => {
    const result = await client({}).query(PAGE, {}).toPromise();
    expect(result.error?.graphQLErrors[0]?.extensions.code).toBe("UNAUTHENTICATED");
  });
});

describe("graphql-request", () => {
  it("runs a query, and shows a refusal as a ClientError with the gateway's code", async () => {
    const data = await new GraphQLClient(gw.url, { headers: staff }).request<any>(PAGE);
    expect(data.customers.totalCount).toBeGreaterThan(0);
    const error = await new GraphQLClient(gw.url).request(PAGE).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).response.status).toBe(401);
    expect((error as ClientError).response.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
