import { createIdScope } from "../../src/enforcement/createIdScope.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";
import { partnerIdentifierScope } from "../../src/policy/identifierScope.js";
import type { Config } from "../../src/server/config.js";
import type { BenchData } from "../seedLarge.js";
import { signBenchToken } from "../signBenchToken.js";
import { lookupWorkload } from "./lookup.js";
import { pageWorkload } from "./page.js";
import { profileWorkload } from "./profile.js";
import type { Workload } from "./Workload.js";

/**
 * The profile, the support page of `page` customers and the partner's lookup, over a database
 * seeded by bench/seedLarge.ts, with their tokens and keys: what npm run bench, bench:scale and
 * bench:where send (the access report, which needs its walk first, is bench/run.ts's own).
 */
export async function gatewayWorkloads(config: Config, data: BenchData, page: number): Promise<Workload[]> {
  return [
    profileWorkload({
      customerId: data.profileCustomerId,
      customerToken: await signBenchToken(config, "customer", data.profileCustomerId),
    }),
    pageWorkload({ first: page, staffToken: await signBenchToken(config, "support_agent", "bench-support-agent") }),
    lookupWorkload({
      ids: data.partnerSubjectIds,
      partnerIds: createIdScope(config.pseudonymKey, partnerIdentifierScope(DEFAULT_POLICY, data.partner.partnerId, "customer_support")),
      apiKey: data.partner.apiKey,
      partnerName: data.partner.partnerName,
    }),
  ];
}
