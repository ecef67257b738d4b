/**
 * The policy benchmark's workload: one page of customers with their own fields and the listed
 * relations (profile with its address, accounts, payment methods with their addresses,
 * preferences, consents, purchases, messages, visits), every field of those included, except the
 * personal fields the caller can never read for the purpose. Generated from the schema and the
 * data map, so a new personal field on those types joins the workload; a new relation on
 * Customer does not until it is listed here (it may be one a support agent may not read at all).
 */
import { getNamedType, isNonNullType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import type { DataMap } from "../src/enforcement/dataMap.js";
import type { Caller } from "../src/policy/caller.js";
import { ceiling } from "../src/policy/ceiling.js";
import type { Purpose } from "../src/policy/purposes.js";
import { DEFAULT_POLICY } from "../src/policy/index.js";

/** The relations of Customer the page reads. */
/** The page bench:policy serves (and bench:where's `policy` workload): its database, reader and size. */
export const POLICY_PAGE = {
  customers: 2000,
  seed: 42,
  page: 100,
  visits: 5,
  purpose: "customer_support",
  caller: { kind: "staff", staffId: "bench-support-agent", role: "support_agent" },
} as const satisfies { purpose: Purpose; caller: Caller } & Record<string, unknown>;

export const CUSTOMER_RELATIONS = [
  "profile",
  "preferences",
  "accounts",
  "paymentMethods",
  "purchases",
  "consents",
  "messages",
  "visits",
] as const;

export interface Workload {
  query: string;
  /** Personal coordinates the query selects. */
  personal: string[];
  /** Personal coordinates left out: the static check would reject the whole operation for them. */
  excluded: { coordinate: string; reason: string }[];
}

/**
 * The page query. Personal fields the caller can never read for the purpose are left out: the
 * static check would answer FORBIDDEN for the whole operation, and execute nothing.
 */
export function buildWorkload(schema: GraphQLSchema, dataMap: DataMap, caller: Caller, purpose: Purpose, visits: number): Workload {
  const personal = new Set<string>();
  const excluded = new Map<string, string>();
  const selection = (type: GraphQLObjectType, depth: number, path: Set<string>): string => {
    const parts: string[] = [];
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const named = getNamedType(field.type);
      if (type.name === "Customer" && isObjectType(named) && !(CUSTOMER_RELATIONS as readonly string[]).includes(field.name)) continue;
      let args = "";
      if (field.args.length > 0) {
        if (coordinate === "Customer.visits") args = `(first: ${visits})`;
        else if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
      }
      const mark = dataMap.fields.get(coordinate);
      if (mark) {
        const best = ceiling(DEFAULT_POLICY, caller, purpose, mark.category);
        if (best.effect === "deny") {
          excluded.set(coordinate, best.reason.code);
          continue;
        }
        personal.add(coordinate);
      }
      if (isObjectType(named)) {
        if (path.has(named.name) || depth > 4) continue;
        const inner = selection(named, depth + 1, new Set([...path, named.name]));
        if (inner !== "") parts.push(`${field.name}${args} { ${inner} }`);
      } else {
        parts.push(`${field.name}${args}`);
      }
    }
    return parts.join(" ");
  };
  const customer = schema.getType("Customer");
  if (!isObjectType(customer)) throw new Error("no Customer type in the schema");
  const node = selection(customer, 0, new Set(["Customer"]));
  // Active customers: the page the guarded side would serve anyway (it leaves out restricted and
  // erased subjects), so that both sides serve the same customers and the same cells.
  const query = `query BenchSupportPage($first: Int!) @purpose(name: ${purpose.toUpperCase()}) {
  customers(first: $first, filter: { status: ACTIVE }) { pageInfo { hasNextPage endCursor } edges { cursor node { ${node} } } }
}`;
  return {
    query,
    personal: [...personal].sort(),
    excluded: [...excluded].sort().map(([coordinate, reason]) => ({ coordinate, reason })),
  };
}
