import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { ProfileRow } from "../../db/schema/index.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { requireActiveCustomer } from "../common/requireCustomer.js";
import type { GatewayContext } from "../context.js";
import { addressFrom, PostalAddress, type AddressSource } from "./Address.js";
import { Profile } from "./Profile.js";
import { ProfileInput } from "./ProfileInput.js";
import { PROFILE_ADDRESS, updateProfile } from "./profileQueries.js";
import { validateProfileInput } from "../../dsr/validateProfileInput.js";

@Resolver(() => Profile)
export class ProfileResolver {
  @FieldResolver(() => PostalAddress, { nullable: true })
  address(@Root() p: ProfileRow): AddressSource | null {
    return addressFrom(p, PROFILE_ADDRESS);
  }

  @Mutation(() => Profile, { description: "Correct fields of one's own profile (customers only)." })
  async updateMyProfile(@Arg("input", () => ProfileInput) input: ProfileInput, @Ctx() ctx: GatewayContext) {
    const changes = validateProfileInput(input);
    const customerId = await requireActiveCustomer(ctx);
    const row = await updateProfile(ctx.db, customerId, changes);
    if (!row) throw new GatewayError(ErrorCode.NOT_FOUND, "There is no profile to correct.");
    ctx.loaders.profile.clear(customerId).prime(customerId, row);
    return row;
  }
}
