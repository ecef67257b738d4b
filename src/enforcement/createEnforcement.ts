import type { GraphQLSchema } from "graphql";
import type { Logger } from "../server/logger.js";
import { applyRuleTree, type RuleExecutor } from "./applyRuleTree.js";
import type { DisclosureWrite } from "./createDisclosureWriter.js";
import { createRuleTree } from "./createRuleTree.js";
import { getDataMap } from "./dataMap.js";
import { enforcementPlugins } from "./plugins/index.js";

/**
 * Wraps the bare schema in enforcement: the rule tree generated from the data map on every field
 * (deny by default, a per-subject rule per personal field, each personal value transformed as
 * decided); and returns the plugins that resolve the purpose, run the static check and record
 * disclosures. `executor` (default `guards`) is documented in applyRuleTree.ts; `write` (default
 * createDisclosureWriter()) in createDisclosurePlugin.ts.
 */
export function createEnforcement(
  bare: GraphQLSchema,
  options: { logger: Logger; executor?: RuleExecutor; write?: DisclosureWrite; onDisclosureLogFailure?: () => void },
) {
  const dataMap = getDataMap(bare);
  const schema = applyRuleTree(bare, createRuleTree(bare, dataMap), dataMap, options.executor);
  return {
    schema,
    dataMap,
    plugins: enforcementPlugins({
      schema: bare,
      logger: options.logger,
      write: options.write,
      onDisclosureLogFailure: options.onDisclosureLogFailure,
    }),
  };
}
