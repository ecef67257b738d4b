import { timingSafeEqual } from "node:crypto";
import type { Database } from "../../db/client.js";
import { hashApiKeySecret, parseApiKey } from "../../db/apiKeys.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { Caller, Grant } from "../../policy/caller.js";
import { isPurpose } from "../../policy/purposes.js";
import { STAFF_ROLES, type StaffRole } from "../../policy/roles.js";
import { findPartnerGrants, findPartnerKey } from "./partnerCredentials.js";
import type { CustomerExists } from "./createCustomerExists.js";
import type { JwtVerifier } from "./verifyJwt.js";

export interface Credentials {
  authorization: string | undefined;
  apiKey: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const unauthenticated = (message: string) => new GatewayError(ErrorCode.UNAUTHENTICATED, message);

/**
 * Who is calling: a bearer JWT (customer or staff) or a partner API key, never both, never
 * neither. Every failure is UNAUTHENTICATED, UNKNOWN_SUBJECT (a valid customer token for no
 * customer), GRANT_EXPIRED or GRANT_REVOKED, with a message that names the problem without
 * echoing the credential.
 */
export async function authenticate(
  credentials: Credentials,
  deps: { db: Database; verifyJwt: JwtVerifier; customerExists: CustomerExists; now?: Date },
): Promise<Caller> {
  const { authorization, apiKey } = credentials;
  if (authorization !== undefined && apiKey !== undefined) throw unauthenticated("Send either a bearer token or an API key, not both.");
  if (apiKey !== undefined) return partnerCaller(apiKey, deps.db, deps.now ?? new Date());
  if (authorization === undefined) throw unauthenticated("Authentication required: send `Authorization: Bearer <token>` or `x-api-key`.");
  const match = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/i.exec(authorization.trim());
  if (!match) throw unauthenticated("The Authorization header must be `Bearer <JWT>`.");
  const claims = await deps.verifyJwt(match[1]!);
  const sub = claims.sub!;
  const role = claims.role;
  if (role === "customer") {
    if (!UUID.test(sub)) throw unauthenticated("A customer token's subject must be a customer id.");
    if (!(await deps.customerExists(deps.db, sub))) {
      throw new GatewayError(ErrorCode.UNKNOWN_SUBJECT, "This token's subject is no customer here: mint a token for an existing customer.");
    }
    return { kind: "customer", customerId: sub };
  }
  if (typeof role === "string" && (STAFF_ROLES as readonly string[]).includes(role)) {
    return { kind: "staff", staffId: sub, role: role as StaffRole };
  }
  throw unauthenticated("The token's role is not one this gateway knows.");
}

async function partnerCaller(raw: string, db: Database, now: Date): Promise<Caller> {
  const parsed = parseApiKey(raw.trim());
  if (!parsed) throw unauthenticated("The API key is malformed.");
  const key = await findPartnerKey(db, parsed.keyId);
  const presented = Buffer.from(hashApiKeySecret(parsed.secret), "hex");
  // Compare even when the key id is unknown, so timing does not tell which ids exist.
  const stored = Buffer.from(key?.secretHash ?? "0".repeat(presented.length * 2), "hex");
  const matches = stored.length === presented.length && timingSafeEqual(stored, presented);
  if (!key || !matches || key.revokedAt) throw unauthenticated("The API key is unknown or revoked.");

  const grants = await findPartnerGrants(db, key.partnerId);
  const inWindow = grants.filter((g) => g.validFrom <= now && now < g.validUntil);
  const current = inWindow.find((g) => g.revokedAt === null);
  if (!current) {
    if (grants.length === 0) throw unauthenticated("This partner holds no grant.");
    // Revoked: the grant of the present was withdrawn, or every grant was. Otherwise its time is up or to come.
    if (inWindow.length > 0 || grants.every((g) => g.revokedAt !== null))
      throw new GatewayError(ErrorCode.GRANT_REVOKED, "This partner's grant was revoked.");
    throw new GatewayError(ErrorCode.GRANT_EXPIRED, "This partner's grant is expired or not yet valid.");
  }
  const grant: Grant = {
    id: current.id,
    purposes: current.purposes.filter(isPurpose),
    categories: current.categories,
    subjectScope: current.subjectScope,
    regions: current.regions,
    transferBasis: current.transferBasis,
    validFrom: current.validFrom,
    validUntil: current.validUntil,
  };
  return {
    kind: "partner",
    partnerId: key.partnerId,
    partnerKind: key.partnerKind,
    partnerRegion: key.partnerRegion,
    keyId: key.keyId,
    grant,
    persistedOperationsOnly: key.persistedOperationsOnly,
  };
}
