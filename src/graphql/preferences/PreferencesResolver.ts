import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { requireActiveCustomer } from "../common/requireCustomer.js";
import type { GatewayContext } from "../context.js";
import { Preferences } from "./Preferences.js";
import { PreferencesInput } from "./PreferencesInput.js";
import { updatePreferences } from "./preferencesQueries.js";
import { validatePreferencesInput } from "./validatePreferencesInput.js";

@Resolver(() => Preferences)
export class PreferencesResolver {
  @Mutation(() => Preferences, {
    description:
      "Change one's own communication preferences (customers only); returns them, decided and recorded as the customer's read. " +
      "No consent event: none of these is a consent under the policy (see PreferencesInput).",
  })
  async updateMyPreferences(@Arg("input", () => PreferencesInput) input: PreferencesInput, @Ctx() ctx: GatewayContext) {
    const changes = validatePreferencesInput(input);
    const customerId = await requireActiveCustomer(ctx);
    const row = await updatePreferences(ctx.db, customerId, changes);
    ctx.loaders.preferences.clear(customerId).prime(customerId, row);
    return row;
  }
}
