import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildGatewaySchema } from "../graphql/buildGatewaySchema.js";
import { printGatewaySchema } from "../graphql/printGatewaySchema.js";

/** Writes schema/schema.graphql from the built schema (directive uses included). */
const target = fileURLToPath(new URL("../../schema/schema.graphql", import.meta.url));
writeFileSync(target, printGatewaySchema(await buildGatewaySchema()));
console.log(`wrote ${target}`);
