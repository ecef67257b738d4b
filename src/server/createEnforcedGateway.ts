import type { DatabaseHandle } from "../db/client.js";
import { createEnforcement } from "../enforcement/createEnforcement.js";
import { buildGatewaySchema } from "../graphql/buildGatewaySchema.js";
import type { Config } from "./config.js";
import { createGateway, type Gateway } from "./createGateway.js";
import type { Logger } from "./logger.js";

/** The production assembly: the gateway schema with enforcement applied. The only one src/ offers. */
export async function createEnforcedGateway(options: { config: Config; database: DatabaseHandle; logger: Logger }): Promise<Gateway> {
  const enforcement = createEnforcement(await buildGatewaySchema(), { logger: options.logger });
  return createGateway({ ...options, schema: enforcement.schema, dataMap: enforcement.dataMap, plugins: enforcement.plugins });
}
