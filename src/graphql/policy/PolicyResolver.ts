import { Ctx, Mutation, Resolver } from "type-graphql";
import { purposeName } from "../../policy/purposeName.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { GatewayContext } from "../context.js";
import { PolicyReloadResult } from "./PolicyReloadResult.js";

@Resolver()
export class PolicyResolver {
  @Mutation(() => PolicyReloadResult, {
    description:
      "Re-read the policy file on this replica (privacy office, purpose legal_compliance), as SIGHUP does. A file that does not load is refused with its errors and the policy in force stays; requests in flight finish under the policy they started with.",
  })
  async reloadPolicy(@Ctx() ctx: GatewayContext): Promise<PolicyReloadResult> {
    if (ctx.enforcement.purpose !== "legal_compliance") {
      throw new GatewayError(
        ErrorCode.PURPOSE_NOT_ALLOWED,
        `The policy is reloaded under the purpose ${purposeName("legal_compliance")}.`,
        { allowedPurposes: [purposeName("legal_compliance")] },
      );
    }
    const { policy, errors } = await ctx.policyFile.reload("api");
    return { reloaded: errors.length === 0, version: policy.version, errors: [...errors] };
  }
}
