import { createIdScope, type IdScope } from "../../src/enforcement/createIdScope.js";
import type { Caller } from "../../src/policy/caller.js";
import { identifierScope, partnerIdentifierScope } from "../../src/policy/identifierScope.js";
import type { Purpose } from "../../src/policy/purposes.js";
import type { TestGateway } from "./testGateway.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/**
 * The ids a caller sends and receives for a purpose, under the test gateway's key, to map what a
 * test sends and reads to internal ids; with no purpose (a request that will be refused) the
 * internal ones.
 */
export function idScopeOf(gw: TestGateway, caller: Caller, purpose: Purpose | null): IdScope {
  return createIdScope(gw.config.pseudonymKey, purpose === null ? { kind: "internal" } : identifierScope(DEFAULT_POLICY, caller, purpose));
}

/** A partner's id scope for a purpose. */
export function partnerIdScope(gw: TestGateway, partnerId: string, purpose: Purpose): IdScope {
  return createIdScope(gw.config.pseudonymKey, partnerIdentifierScope(DEFAULT_POLICY, partnerId, purpose));
}
