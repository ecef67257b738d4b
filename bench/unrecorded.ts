/**
 * The benchmark's "records built, not written" side: the production assembly of
 * `createEnforcedGateway` (every decision, transform and disclosure record built as in
 * production) with a disclosure write that stores nothing. Against the unguarded side it prices
 * enforcement apart from the record; against the guarded side, the record's insert and commit.
 * Bench-only, like bench/unguarded.ts: nothing in src/ imports it, and a gateway that does not
 * record must never be assembled outside a benchmark.
 */
import type { DatabaseHandle } from "../src/db/client.js";
import { createEnforcement } from "../src/enforcement/createEnforcement.js";
import { personalCategories } from "../src/datamap/columns.js";
import { buildGatewaySchema } from "../src/graphql/buildGatewaySchema.js";
import type { Config } from "../src/server/config.js";
import { createGateway, type Gateway } from "../src/server/createGateway.js";
import type { Logger } from "../src/server/logger.js";
import { createMetrics } from "../src/server/metrics/createMetrics.js";
import { openPolicy } from "../src/server/policyInForce.js";

export async function createUnrecordedGateway(options: { config: Config; database: DatabaseHandle; logger: Logger }): Promise<Gateway> {
  const metrics = createMetrics();
  const enforcement = createEnforcement(await buildGatewaySchema(), {
    logger: options.logger,
    write: async () => {},
    onDisclosureLogFailure: () => metrics.disclosureLogFailures.inc(),
  });
  return createGateway({
    ...options,
    schema: enforcement.schema,
    dataMap: enforcement.dataMap,
    plugins: enforcement.plugins,
    metrics,
    policy: await openPolicy({
      file: options.config.policyFile,
      schemaCategories: personalCategories(enforcement.dataMap),
      logger: options.logger,
    }),
  });
}
