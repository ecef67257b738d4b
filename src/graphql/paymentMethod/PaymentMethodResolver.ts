import { FieldResolver, Resolver, Root } from "type-graphql";
import type { PaymentMethodRow } from "../../db/schema/index.js";
import { addressFrom, BillingAddress, DeliveryAddress, type AddressSource } from "../profile/Address.js";
import { PaymentMethod } from "./PaymentMethod.js";
import { BILLING_ADDRESS, DELIVERY_ADDRESS } from "./paymentMethodQueries.js";

@Resolver(() => PaymentMethod)
export class PaymentMethodResolver {
  @FieldResolver(() => BillingAddress, { nullable: true })
  billingAddress(@Root() m: PaymentMethodRow): AddressSource | null {
    return addressFrom(m, BILLING_ADDRESS);
  }

  @FieldResolver(() => DeliveryAddress, { nullable: true })
  deliveryAddress(@Root() m: PaymentMethodRow): AddressSource | null {
    return addressFrom(m, DELIVERY_ADDRESS);
  }
}
