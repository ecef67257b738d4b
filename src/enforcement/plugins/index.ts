import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import type { EnforcementContext } from "../EnforcementContext.js";
import type { Logger } from "../Logger.js";
import type { DisclosureWrite } from "../createDisclosureWriter.js";
import { createDisclosurePlugin } from "./createDisclosurePlugin.js";
import { createGpcPlugin } from "./createGpcPlugin.js";
import { createIntrospectionPlugin } from "./createIntrospectionPlugin.js";
import { createPurposePlugin } from "./createPurposePlugin.js";
import { createStaticCheckPlugin } from "./createStaticCheckPlugin.js";

/**
 * The enforcement plugins, in the order they must run: the purpose is resolved before the static
 * check reads it, and the GPC opt-out is recorded before any subject state is loaded.
 */
export function enforcementPlugins(options: { schema: GraphQLSchema; logger: Logger; write?: DisclosureWrite; onDisclosureLogFailure?: () => void }): ApolloServerPlugin<EnforcementContext>[] {
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
