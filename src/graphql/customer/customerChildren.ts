import { sql, type SQL } from "drizzle-orm";
import { getNamedType, type GraphQLObjectType, type GraphQLResolveInfo } from "graphql";
import { customerAccounts } from "../account/accountQueries.js";
import { customerMessages } from "../message/messageQueries.js";
import { BILLING_ADDRESS, customerPaymentMethods, DELIVERY_ADDRESS } from "../paymentMethod/paymentMethodQueries.js";
import { customerPreferences } from "../preferences/preferencesQueries.js";
import { customerProfile, PROFILE_ADDRESS } from "../profile/profileQueries.js";
import { customerPurchases } from "../purchase/purchaseQueries.js";
import { fieldsByType } from "../common/fieldsByType.js";
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

/**
 * The fields of a child's type that read other columns than their own name's: the address
 * objects, built from their parent row's columns (Address.ts: addressFrom). Any other field reads
 * the column of its name, or, if there is none, every column (see columnsFor).
 */
const COMPOSITE_FIELDS: { readonly [C in CustomerChild]?: Readonly<Record<string, readonly string[]>> } = {
  profile: { address: Object.values(PROFILE_ADDRESS) },
  paymentMethods: { billingAddress: Object.values(BILLING_ADDRESS), deliveryAddress: Object.values(DELIVERY_ADDRESS) },
};

/**
 * The column keys a child's rows need for these fields of its type (the customer's id is always
 * read); undefined, every column: for a type the operation does not select directly, or a field
 * whose columns are not known here (a resolver of its own that reads others).
 */
export function columnsFor(child: CustomerChild, fields: ReadonlySet<string> | undefined): readonly string[] | undefined {
  if (fields === undefined) return undefined;
  const { keys } = CUSTOMER_CHILDREN[child];
  const composite = COMPOSITE_FIELDS[child] ?? {};
  const columns = new Set<string>();
  for (const field of fields) {
    if (field.startsWith("__")) continue; // __typename
    const read = Object.hasOwn(composite, field) ? composite[field]! : keys.includes(field) ? [field] : undefined;
    if (read === undefined) return undefined;
    for (const column of read) columns.add(column);
  }
  return [...columns].sort();
}

/**
 * The Customer children that the customers returned `path` levels below the resolving field
 * select (see selectedFields), each with the columns that the whole operation reads of its type
 * (see fieldsByType): a child's loader is shared by the request, so its rows must serve every
 * place the operation reads them.
 */
export function selectedChildren(info: GraphQLResolveInfo, path: readonly string[] = []): ChildSelection {
  const selection = new Map<CustomerChild, readonly string[] | undefined>();
  const children = customerChildrenIn(selectedFields(info, path));
  if (children.length === 0) return selection;
  const byType = fieldsByType(info);
  const customer = info.schema.getType("Customer") as GraphQLObjectType;
  for (const child of children) {
    const fields = byType.get(getNamedType(customer.getFields()[child]!.type).name);
    selection.set(child, fields === undefined ? undefined : columnsOfFields(child, fields));
  }
  return selection;
}

// columnsFor by the very set of fields fieldsByType gives (one per type and request): the fifty
// aliased lookups of one request get the same array, which the loaders then compare by identity.
const columnsByFields = new WeakMap<ReadonlySet<string>, Map<CustomerChild, readonly string[] | undefined>>();

function columnsOfFields(child: CustomerChild, fields: ReadonlySet<string>): readonly string[] | undefined {
  let byChild = columnsByFields.get(fields);
  if (byChild === undefined) columnsByFields.set(fields, (byChild = new Map()));
  if (!byChild.has(child)) byChild.set(child, columnsFor(child, fields));
  return byChild.get(child);
}

/** Customer children to fold into a select from `customers`, each with the column keys it needs (undefined: all). */
export type ChildSelection = ReadonlyMap<CustomerChild, readonly string[] | undefined>;

/** The column that carries each customer row's children, and their decoding. */
export interface ChildrenFold {
  /** Add to a select from `customers`: one JSON text per row. */
  readonly column: { [CHILDREN_KEY]: SQL<string> };
  /** Each child's rows carried by `row` (as its loader would give them, on the folded columns), by child. */
  childrenOf(row: RowWithChildren): Partial<Record<CustomerChild, unknown[]>>;
}

// One fold per distinct selection, its text rendered once: it holds no parameter.
const folds = new Map<string, ChildrenFold>();
const MAX_FOLDS = 1000;

/** The fold of these children; undefined when there are none. */
export function customerChildrenFold(selection: ChildSelection): ChildrenFold | undefined {
  if (selection.size === 0) return undefined;
  const names = [...selection.keys()].sort();
  const key = names.map((name) => `${name}:${selection.get(name)?.join("+") ?? "*"}`).join(",");
  let fold = folds.get(key);
  if (fold === undefined) {
    const parts = names.map((name) => [name, CUSTOMER_CHILDREN[name].fold(selection.get(name))] as const);
    const members = parts.map(([name, part]) => `'${name}', ${part.json}`).join(",\n    ");
    fold = {
      column: { [CHILDREN_KEY]: sql<string>`${sql.raw(`json_build_object(${members})::text`)}` },
      childrenOf(row) {
        const text = row[CHILDREN_KEY];
        if (text === undefined) return {};
        const json = JSON.parse(text) as Record<string, unknown>;
        const children: Partial<Record<CustomerChild, unknown[]>> = {};
        for (const [name, part] of parts) children[name] = part.fromJson(json[name] ?? null);
        return children;
      },
    };
    if (folds.size >= MAX_FOLDS) folds.clear();
    folds.set(key, fold);
  }
  return fold;
}

/** A customer row selected with a fold's column (the JSON text until its rows are primed). */
export interface RowWithChildren {
  id: string;
  [CHILDREN_KEY]?: string | undefined;
}
