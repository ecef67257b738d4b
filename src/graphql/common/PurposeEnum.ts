import { registerEnumType } from "type-graphql";
import { PURPOSES, type Purpose } from "../../policy/purposes.js";

/** GraphQL enum `Purpose`: MARKETING -> "marketing", one value per policy purpose. */
export const PurposeEnum = Object.fromEntries(PURPOSES.map((p) => [p.toUpperCase(), p])) as Record<string, Purpose>;
registerEnumType(PurposeEnum, { name: "Purpose", description: "Why data is read; see the record of processing." });
