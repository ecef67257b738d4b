import type { IdScope } from "../../src/enforcement/createIdScope.js";
import type { Workload } from "./Workload.js";
import { at, json } from "./Workload.js";

/**
 * A partner looks up customers by id for a purpose that masks. The schema reads one customer by
 * id (`customer(id:)`), so the lookup is one operation with an aliased field per id; the
 * gateway's loaders batch them into one statement per table. The gateway is sent the partner's
 * own (pairwise) ids for the subjects, `partnerIds`; raw SQL the internal ones.
 */
export function lookupWorkload(options: { ids: string[]; partnerIds: IdScope; apiKey: string; partnerName: string }): Workload {
  const variables = Object.fromEntries(options.ids.map((id, i) => [`id${i}`, options.partnerIds.external(id)]));
  const gatewayQuery = `query PartnerLookup(${options.ids.map((_, i) => `$id${i}: ID!`).join(", ")}) @purpose(name: CUSTOMER_SUPPORT) {
  ${options.ids.map((_, i) => `c${i}: customer(id: $id${i}) { ...Looked }`).join("\n  ")}
}
fragment Looked on Customer { id profile { fullName email phone address { line1 postalCode city country } } }`;
  const found = (data: unknown) => options.ids.filter((_, i) => at(data, `c${i}`, "id")).length;
  return {
    key: "lookup",
    title: `lookup: ${options.ids.length} customers by id, partner`,
    description:
      `a partner (${options.partnerName}, API key; grant: \`customer_support\` on \`user.name\` and \`user.contact\`, linked subjects) ` +
      `looks up ${options.ids.length} customers by id with names, email, phone and address: street and postal code masked; rate limiter and grant checks on every request`,
    connections: 4,
    perConnection: 8,
    sequential: { uncounted: 2, counted: 3 },
    gateway: {
      headers: { ...json, "x-api-key": options.apiKey },
      body: { query: gatewayQuery, variables },
      items: found,
    },
    rawSql: { path: "/lookup", headers: json, body: { ids: options.ids }, items: found },
  };
}
