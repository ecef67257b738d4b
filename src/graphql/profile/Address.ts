import { Field, ObjectType } from "type-graphql";
import { Personal } from "../../enforcement/personal.js";
import type { Category } from "../../policy/categories.js";

/** The source of every address type: a few columns of its parent row, with the subject's id. */
export interface AddressSource {
  customerId: string;
  line1: string | null;
  line2?: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
}

export type AddressPart = Exclude<keyof AddressSource, "customerId">;

/** Which column of a parent row holds each part of an address (a part without one is left out). */
export type AddressColumns<Row> = { readonly [P in AddressPart]?: keyof Row & string };

/**
 * An address object from the columns of its parent row that `columns` names, or null when they
 * hold no address at all. The folded reads of a row (src/graphql/customer/customerChildren.ts)
 * fetch exactly these columns for an address field.
 */
export function addressFrom<Row extends { customerId: string }>(row: Row, columns: AddressColumns<Row>): AddressSource | null {
  const address: Record<string, unknown> = { customerId: row.customerId };
  let any = false;
  for (const part in columns) {
    // no entries array: one address object per parent row of a page
    const value = row[columns[part as AddressPart]!];
    address[part] = value;
    if (value !== null && value !== undefined) any = true;
  }
  return any ? (address as unknown as AddressSource) : null;
}

/**
 * One postal address type per category (profile, billing, delivery), built by one factory so the
 * three cannot drift. A mask keeps the city and country and redacts the street and postcode.
 */
function addressType(name: string, category: Category, description: string) {
  @ObjectType(name, { description, simpleResolvers: true })
  class Address {
    @Field(() => String, { nullable: true }) @Personal(category, "REDACT") line1!: string | null;
    @Field(() => String, { nullable: true }) @Personal(category, "REDACT") line2!: string | null;
    @Field(() => String, { nullable: true }) @Personal(category, "REDACT") postalCode!: string | null;
    @Field(() => String, { nullable: true }) @Personal(category, "KEEP") city!: string | null;
    @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2" }) @Personal(category, "KEEP") country!: string | null;
  }
  return Address;
}

export const PostalAddress = addressType("PostalAddress", "user.contact.address", "The customer's postal address.");
export const BillingAddress = addressType("BillingAddress", "user.contact.address.billing", "Billing address of a payment method.");
export const DeliveryAddress = addressType("DeliveryAddress", "user.contact.address.delivery", "Delivery address of a payment method.");
