import type { GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import type { Logger } from "../server/logger.js";
import { createShield, createValueTransforms } from "./createFieldGuards.js";
import { getDataMap } from "./dataMap.js";
import { enforcementPlugins } from "./plugins/index.js";

/**
 * Wraps the bare schema in enforcement: graphql-shield outermost (deny by default, a rule per
 * personal field from the data map), then the value transforms; and returns the plugins that
 * resolve the purpose, run the static check and record disclosures.
 */
export function createEnforcement(bare: GraphQLSchema, options: { logger: Logger }) {
  const dataMap = getDataMap(bare);
  const schema = applyMiddleware(bare, createShield(bare, dataMap), createValueTransforms(dataMap));
  return { schema, dataMap, plugins: enforcementPlugins({ schema: bare, logger: options.logger }) };
}
