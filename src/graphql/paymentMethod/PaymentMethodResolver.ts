import { FieldResolver, Resolver, Root } from "type-graphql";
import type { PaymentMethodRow } from "../../db/schema/index.js";
import { BillingAddress, DeliveryAddress, type AddressSource } from "../profile/Address.js";
import { addressOf } from "../profile/ProfileResolver.js";
import { PaymentMethod } from "./PaymentMethod.js";

@Resolver(() => PaymentMethod)
export class PaymentMethodResolver {
  @FieldResolver(() => BillingAddress, { nullable: true })
  billingAddress(@Root() m: PaymentMethodRow): AddressSource | null {
    return addressOf(m.customerId, { line1: m.billingLine1, postalCode: m.billingPostalCode, city: m.billingCity, country: m.billingCountry });
  }

  @FieldResolver(() => DeliveryAddress, { nullable: true })
  deliveryAddress(@Root() m: PaymentMethodRow): AddressSource | null {
    return addressOf(m.customerId, { line1: m.deliveryLine1, postalCode: m.deliveryPostalCode, city: m.deliveryCity, country: m.deliveryCountry });
  }
}
