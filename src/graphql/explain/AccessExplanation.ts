import { Field, ObjectType, registerEnumType } from "type-graphql";
import type { Effect } from "../../policy/matrix.js";

export const AccessEffect = { ALLOW: "allow", MASK: "mask", PSEUDONYMIZE: "pseudonymize", DENY: "deny" } as const satisfies Record<
  string,
  Effect
>;
registerEnumType(AccessEffect, {
  name: "AccessEffect",
  description: "How a value leaves: as stored, masked, pseudonymised, or not at all.",
});

@ObjectType({ description: "What a caller would get for one field of one subject, and why; never the value." })
export class AccessExplanation {
  @Field(() => String) coordinate!: string;
  @Field(() => String, { nullable: true, description: "Null for a field that is not personal" }) category!: string | null;
  @Field(() => String) purpose!: string;
  @Field(() => AccessEffect) effect!: Effect;
  @Field(() => String, { nullable: true, description: "The mask applied when effect is MASK" }) mask!: string | null;
  @Field(() => String, { description: "Machine-readable reason, e.g. OPTED_OUT" }) reasonCode!: string;
  @Field(() => String, { description: "One sentence, never a personal value" }) reason!: string;
  @Field(() => String, { description: "The policy that decided: the policy file's version and its content hash" }) policyVersion!: string;
}
