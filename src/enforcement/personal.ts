import { DirectiveLocation, GraphQLDirective, GraphQLEnumType, GraphQLNonNull, GraphQLString } from "graphql";
import { Directive } from "type-graphql";
import type { Category } from "../policy/categories.js";
import { MASK_KINDS, type MaskKind } from "../policy/masks.js";

/**
 * `@Personal(category, mask?)` on a type-graphql field or input field: the one place a field is
 * declared personal. It emits `@personal(category: "...", mask: ...)` into the SDL; the data map,
 * the static check, the shield rules and the access report are all derived from these marks.
 * `mask` overrides the category's default mask for this field (e.g. KEEP on an address's city).
 */
export function Personal(category: Category, mask?: MaskKind): PropertyDecorator & MethodDecorator {
  const args = mask ? `category: "${category}", mask: ${mask}` : `category: "${category}"`;
  return Directive(`@personal(${args})`) as PropertyDecorator & MethodDecorator;
}

export const MaskKindEnum = new GraphQLEnumType({
  name: "MaskKind",
  description: "How a masked value is shown: see src/policy/masks.ts.",
  values: Object.fromEntries(MASK_KINDS.map((m) => [m, { value: m }])),
});

export const personalDirective = new GraphQLDirective({
  name: "personal",
  description: "Marks a field holding personal data, with its Fides data category and optional mask.",
  locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.INPUT_FIELD_DEFINITION, DirectiveLocation.ARGUMENT_DEFINITION],
  args: {
    category: { type: new GraphQLNonNull(GraphQLString) },
    mask: { type: MaskKindEnum },
  },
});
