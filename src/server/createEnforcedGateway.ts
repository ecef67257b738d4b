import { personalCategories } from "../datamap/columns.js";
import type { DatabaseHandle } from "../db/client.js";
import type { RuleExecutor } from "../enforcement/applyRuleTree.js";
import { createEnforcement } from "../enforcement/createEnforcement.js";
import { buildGatewaySchema } from "../graphql/buildGatewaySchema.js";
import type { Config } from "./config.js";
import { createGateway, type Gateway } from "./createGateway.js";
import type { Logger } from "./logger.js";
import { openPolicy } from "./policyInForce.js";
import { createMetrics } from "./metrics/createMetrics.js";

/**
 * The production assembly: the gateway schema with enforcement applied, deciding under the
 * configured policy file (PolicyFileInvalid when it does not load). The only one src/ offers.
 */
export async function createEnforcedGateway(options: {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** Tests and benchmarks only: graphql-shield's executor instead of the guards (see applyRuleTree.ts). */
  executor?: RuleExecutor;
}): Promise<Gateway> {
  const metrics = createMetrics();
  const enforcement = createEnforcement(await buildGatewaySchema(), {
    logger: options.logger,
    executor: options.executor,
    onDisclosureLogFailure: () => metrics.disclosureLogFailures.inc(),
  });
  const policy = await openPolicy({
    file: options.config.policyFile,
    schemaCategories: personalCategories(enforcement.dataMap),
    logger: options.logger,
  });
  return createGateway({
    ...options,
    schema: enforcement.schema,
    dataMap: enforcement.dataMap,
    plugins: enforcement.plugins,
    metrics,
    policy,
  });
}
