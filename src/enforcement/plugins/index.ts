import type { ApolloServerPlugin } from "@apollo/server";
import type { EnforcementContext } from "../EnforcementContext.js";
import { createDisclosurePlugin, type DisclosurePluginOptions } from "./createDisclosurePlugin.js";
import { createGpcPlugin } from "./createGpcPlugin.js";
import { createIntrospectionPlugin, type IntrospectionPluginOptions } from "./createIntrospectionPlugin.js";
import { createPurposePlugin, type PurposePluginOptions } from "./createPurposePlugin.js";
import { createStaticCheckPlugin, type StaticCheckPluginOptions } from "./createStaticCheckPlugin.js";

/** Each enforcement plugin's options, one object: `schema` is the bare gateway schema for all of them. */
export interface EnforcementPluginsOptions
  extends IntrospectionPluginOptions,
    PurposePluginOptions,
    StaticCheckPluginOptions,
    DisclosurePluginOptions {}

/**
 * The enforcement plugins. Apollo runs their `didResolveOperation` hooks together, so none relies
 * on another having run first: the static check awaits the purpose the purpose plugin resolves
 * (enforcement.purposeResolved), and subject state is loaded only during execution, after the GPC
 * opt-out is recorded. The order below decides only which refusal a client sees when several
 * plugins refuse at once.
 */
export function enforcementPlugins(options: EnforcementPluginsOptions): ApolloServerPlugin<EnforcementContext>[] {
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
