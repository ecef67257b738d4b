/**
 * The mixed traffic of `npm run load`: what each kind of caller sends, how often, and which
 * subjects each answer read (one disclosure record each is expected). Operations are those of
 * the README and test/operations/*.graphql.
 */
import type { IdScope } from "../../src/enforcement/createIdScope.js";

/** A response body as the gateway sends it (only the parts read here). */
export interface Answer {
  data?: Record<string, any> | null;
  errors?: { extensions?: { code?: string } }[];
}

export interface TrafficKind {
  name: string;
  /** Hostile requests must be refused with a 4xx status and read nothing. */
  hostile: boolean;
  /** Places in each cycle of the request list (autocannon cycles through it per connection). */
  weight: number;
  /** The next request of this kind (the rotation over subjects and tokens lives in the closure). */
  next(): { headers: Record<string, string>; body: string };
  /** The subjects whose personal data this (2xx) answer read: one disclosure record each. */
  subjects(answer: Answer): string[];
}

export interface TrafficWorld {
  /** Customers with a token each (all states: erased, restricted and opted-out ones included). */
  customers: { id: string; token: string }[];
  supportToken: string;
  marketingToken: string;
  legalToken: string;
  /** A partner reading by query text: its key, purpose, the subjects it looks up (internal ids) and its ids for them. */
  lookupPartner: { apiKey: string; purpose: string; subjectIds: string[]; ids: IdScope };
  /** A partner held to an allowlist: its key, purpose, the registered hash, the subjects it looks up and its ids for them. */
  allowlistedPartner: { apiKey: string; purpose: string; sha256Hash: string; subjectIds: string[]; ids: IdScope };
}

const JSON_TYPE = { "content-type": "application/json" };
const bearer = (token: string) => ({ ...JSON_TYPE, authorization: `Bearer ${token}` });
const cycle = <T>(items: readonly T[]) => {
  if (items.length === 0) throw new Error("load: nothing to cycle through");
  let i = 0;
  return () => items[i++ % items.length]!;
};
const none = () => [];
const one = (node: { id?: string } | null | undefined) => (node?.id ? [node.id] : []);
/** A partner's answer carries its own ids: the disclosure log holds the internal ones. */
const internal = (ids: IdScope, subjects: string[]) => subjects.map((id) => ids.internal(id) ?? id);
const edges = (connection: { edges?: { node: { id: string } }[] } | null | undefined) => (connection?.edges ?? []).map((e) => e.node.id);

export const MY_PROFILE =
  "query MyProfile { me { id status profile { fullName email phone address { city country } } accounts { accountNumber product } preferences { emailNewsletter } consents { purpose granted source } } }";
export const LOOKUP = (purpose: string) =>
  `query Lookup($id: ID!) @purpose(name: ${purpose}) { customer(id: $id) { id profile { fullName email } } }`;
const SUPPORT_PAGE =
  "query SupportCustomerPage($first: Int!) @purpose(name: CUSTOMER_SUPPORT) { customers(first: $first) { totalCount edges { node { id status profile { fullName email phone address { city country } } accounts { accountNumber } paymentMethods { brand lastFour } } } } }";
const AUDIENCE =
  "query Audience @purpose(name: MARKETING) { customers(first: 50) { totalCount edges { node { id profile { fullName email } } } } }";
const DISCLOSURE_REPORT =
  "query Report @purpose(name: LEGAL_COMPLIANCE) { disclosureLog(first: 50, filter: { purpose: MARKETING }) { at subjectId role partnerName purpose categories } }";
/** Introspection nested past any sane depth (and introspection is off, as in production). */
const TOO_DEEP = `query Deep @purpose(name: CUSTOMER_SUPPORT) { __schema { types { fields { type ${"{ ofType ".repeat(12)}{ name }${" }".repeat(12)} } } } }`;
const ALIAS_FLOOD = `query Flood { me { ${Array.from({ length: 400 }, (_, i) => `a${i}: id`).join(" ")} } }`;
const UNKNOWN_FIELD = "query Secret { me { id passwordHash } }";

export function trafficKinds(world: TrafficWorld): TrafficKind[] {
  const customer = cycle(world.customers);
  const looked = cycle(world.lookupPartner.subjectIds);
  const allowlisted = cycle(world.allowlistedPartner.subjectIds);
  const pageSizes = cycle([10, 20, 20, 30]);
  const lookup = LOOKUP(world.lookupPartner.purpose.toUpperCase());
  const partnerHeaders = (apiKey: string) => ({ ...JSON_TYPE, "x-api-key": apiKey });
  const fixed = (headers: Record<string, string>, body: unknown) => () => ({
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return [
    {
      name: "customer me",
      hostile: false,
      weight: 6,
      subjects: (a) => one(a.data?.me),
      next: () => {
        const c = customer();
        return { headers: bearer(c.token), body: JSON.stringify({ query: MY_PROFILE }) };
      },
    },
    {
      name: "partner lookup",
      hostile: false,
      weight: 3,
      subjects: (a) => internal(world.lookupPartner.ids, one(a.data?.customer)),
      next: () => ({
        headers: partnerHeaders(world.lookupPartner.apiKey),
        body: JSON.stringify({ query: lookup, variables: { id: world.lookupPartner.ids.external(looked()) } }),
      }),
    },
    {
      name: "partner persisted lookup",
      hostile: false,
      weight: 2,
      subjects: (a) => internal(world.allowlistedPartner.ids, one(a.data?.customer)),
      next: () => ({
        headers: partnerHeaders(world.allowlistedPartner.apiKey),
        body: JSON.stringify({
          variables: { id: world.allowlistedPartner.ids.external(allowlisted()) },
          extensions: { persistedQuery: { version: 1, sha256Hash: world.allowlistedPartner.sha256Hash } },
        }),
      }),
    },
    {
      name: "support page",
      hostile: false,
      weight: 2,
      subjects: (a) => edges(a.data?.customers),
      next: () => ({
        headers: bearer(world.supportToken),
        body: JSON.stringify({ query: SUPPORT_PAGE, variables: { first: pageSizes() } }),
      }),
    },
    {
      name: "marketing audience",
      hostile: false,
      weight: 1,
      subjects: (a) => edges(a.data?.customers),
      next: fixed(bearer(world.marketingToken), { query: AUDIENCE }),
    },
    {
      name: "legal disclosure report",
      hostile: false,
      weight: 1,
      subjects: none,
      next: fixed(bearer(world.legalToken), { query: DISCLOSURE_REPORT }),
    },
    { name: "hostile: too deep", hostile: true, weight: 1, subjects: none, next: fixed(bearer(world.supportToken), { query: TOO_DEEP }) },
    {
      name: "hostile: alias flood",
      hostile: true,
      weight: 1,
      subjects: none,
      next: () => ({ headers: bearer(customer().token), body: JSON.stringify({ query: ALIAS_FLOOD }) }),
    },
    {
      name: "hostile: unknown field",
      hostile: true,
      weight: 1,
      subjects: none,
      next: () => ({ headers: bearer(customer().token), body: JSON.stringify({ query: UNKNOWN_FIELD }) }),
    },
    {
      name: "hostile: bad JSON",
      hostile: true,
      weight: 1,
      subjects: none,
      next: fixed(bearer(world.supportToken), '{"query": "{ me { id } ",'),
    },
    {
      name: "hostile: unlisted operation",
      hostile: true,
      weight: 1,
      subjects: none,
      next: fixed(partnerHeaders(world.allowlistedPartner.apiKey), {
        query: LOOKUP(world.allowlistedPartner.purpose.toUpperCase()).replace("email", "phone"),
        variables: { id: world.allowlistedPartner.subjectIds[0] },
      }),
    },
  ];
}

/** The kinds spread over one cycle by weight, interleaved (not in blocks), so every connection sends the mix. */
export function interleave(kinds: TrafficKind[]): TrafficKind[] {
  const slots: { kind: TrafficKind; at: number }[] = [];
  for (const kind of kinds) for (let i = 0; i < kind.weight; i++) slots.push({ kind, at: (i + 0.5) / kind.weight });
  return slots.sort((a, b) => a.at - b.at || a.kind.name.localeCompare(b.kind.name)).map((s) => s.kind);
}
