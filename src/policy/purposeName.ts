import type { Purpose } from "./purposes.js";

/**
 * A purpose as the GraphQL enum `Purpose` spells it (`legal_compliance` -> `LEGAL_COMPLIANCE`,
 * PurposeEnum.ts): the one spelling of a purpose in messages and in `allowedPurposes`, so a client
 * can paste it into `@purpose(name: ...)` (the `x-purpose` header takes it too).
 */
export function purposeName(purpose: Purpose): string {
  return purpose.toUpperCase();
}
