import { sql, type SQL } from "drizzle-orm";
import type { GraphQLResolveInfo } from "graphql";
import { customerAccounts } from "../account/accountQueries.js";
import { customerMessages } from "../message/messageQueries.js";
import { customerPaymentMethods } from "../paymentMethod/paymentMethodQueries.js";
import { customerPreferences } from "../preferences/preferencesQueries.js";
import { customerProfile } from "../profile/profileQueries.js";
import { customerPurchases } from "../purchase/purchaseQueries.js";
import { selectedFields } from "../common/selectedFields.js";

/**
 * The Customer fields whose rows can come in the statement that reads their customers (see
 * childRows), by field name, which is also the name of the field's loader. Consents (the latest
 * event per purpose) and visits (`first` per field) keep a statement of their own.
 */
export const CUSTOMER_CHILDREN = {
  profile: customerProfile,
  preferences: customerPreferences,
  accounts: customerAccounts,
  paymentMethods: customerPaymentMethods,
  purchases: customerPurchases,
  messages: customerMessages,
} as const;

export type CustomerChild = keyof typeof CUSTOMER_CHILDREN;

/** The key of the column that carries a customer row's children (not a GraphQL name: never a field's). */
export const CHILDREN_KEY = "@children";

/** The names among `fieldNames` that are Customer children. */
function customerChildrenIn(fieldNames: Iterable<string>): CustomerChild[] {
  return [...fieldNames].filter((name): name is CustomerChild => Object.hasOwn(CUSTOMER_CHILDREN, name));
}

/** The children selected on the customers that the resolving field returns `path` levels down (see selectedFields). */
export function selectedChildren(info: GraphQLResolveInfo, path: readonly string[] = []): CustomerChild[] {
  return customerChildrenIn(selectedFields(info, path));
}

// One constant text per set of children, rendered once: it holds no parameter.
const columns = new Map<string, { [CHILDREN_KEY]: SQL<string> }>();

/**
 * The column to add to a select from `customers` so that each row brings these children's rows
 * along, as one JSON text (parsed by childrenOf); nothing when there are none.
 */
export function customerChildrenColumn(children: readonly CustomerChild[]): { [CHILDREN_KEY]: SQL<string> } | undefined {
  if (children.length === 0) return undefined;
  const names = [...new Set(children)].sort();
  const key = names.join(",");
  let column = columns.get(key);
  if (column === undefined) {
    const members = names.map((name) => `'${name}', ${CUSTOMER_CHILDREN[name].json}`).join(",\n    ");
    columns.set(key, (column = { [CHILDREN_KEY]: sql<string>`${sql.raw(`json_build_object(${members})::text`)}` }));
  }
  return column;
}

/** A customer row selected with customerChildrenColumn (the JSON text until its rows are primed). */
export interface RowWithChildren {
  id: string;
  [CHILDREN_KEY]?: string | undefined;
}

/** Each child's rows carried by `row` (as its loader would give them), by child; empty when it carries none. */
export function childrenOf(row: RowWithChildren): Partial<Record<CustomerChild, unknown[]>> {
  const text = row[CHILDREN_KEY];
  if (text === undefined) return {};
  const json = JSON.parse(text) as Record<string, unknown>;
  const children: Partial<Record<CustomerChild, unknown[]>> = {};
  for (const name of customerChildrenIn(Object.keys(json))) children[name] = CUSTOMER_CHILDREN[name].fromJson(json[name]);
  return children;
}
