import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import type { GatewayContext } from "../../graphql/context.js";
import type { Logger } from "../../server/logger.js";
import type { DisclosureWrite } from "../createDisclosureWriter.js";
import { createDisclosurePlugin } from "./createDisclosurePlugin.js";
import { createGpcPlugin } from "./createGpcPlugin.js";
import { createIntrospectionPlugin } from "./createIntrospectionPlugin.js";
import { createPurposePlugin } from "./createPurposePlugin.js";
import { createStaticCheckPlugin } from "./createStaticCheckPlugin.js";

/**
 * The enforcement plugins. Apollo runs their `didResolveOperation` hooks together, so none relies
 * on another having run first: the static check awaits the purpose the purpose plugin resolves
 * (enforcement.purposeResolved), and subject state is loaded only during execution, after the GPC
 * opt-out is recorded. The order below decides only which refusal a client sees when several
 * plugins refuse at once.
 */
export function enforcementPlugins(options: {
  schema: GraphQLSchema;
  logger: Logger;
  write?: DisclosureWrite;
  onDisclosureLogFailure?: () => void;
}): ApolloServerPlugin<GatewayContext>[] {
  return [
    // First: introspection is answered from the caller's own schema, and an operation mixing it
    // with data fields is refused (its refusal wins) before any purpose or data is considered.
    createIntrospectionPlugin(options),
    createPurposePlugin(options),
    createStaticCheckPlugin(options),
    createGpcPlugin(),
    createDisclosurePlugin(options),
  ];
}
