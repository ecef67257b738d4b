import { createLocalJWKSet, errors, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { Config } from "../config.js";

export type JwtVerifier = (token: string) => Promise<JWTPayload>;

/**
 * A verifier bound to the configured key. Algorithms are pinned per key kind, so `alg: none` or a
 * token signed with HS256 against a public key (algorithm confusion) is refused.
 */
export async function createJwtVerifier(config: Pick<Config, "jwt" | "jwtIssuer" | "jwtAudience">): Promise<JwtVerifier> {
  const options = { issuer: config.jwtIssuer, audience: config.jwtAudience, requiredClaims: ["sub", "exp"] };
  const jwt = config.jwt;
  let verify: (token: string) => Promise<JWTPayload>;
  switch (jwt.kind) {
    case "secret": {
      // Imported once: a raw secret given to jwtVerify is imported again on every token.
      const key = await crypto.subtle.importKey("raw", new Uint8Array(jwt.secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
      verify = async (t) => (await jwtVerify(t, key, { ...options, algorithms: ["HS256"] })).payload;
      break;
    }
    case "publicKey": {
      const key = await importSPKI(jwt.pem, jwt.algorithm);
      verify = async (t) => (await jwtVerify(t, key, { ...options, algorithms: [jwt.algorithm] })).payload;
      break;
    }
    case "jwks": {
      const keySet: JWTVerifyGetKey = createLocalJWKSet(jwt.jwks as Parameters<typeof createLocalJWKSet>[0]);
      verify = async (t) => (await jwtVerify(t, keySet, { ...options, algorithms: ["RS256", "PS256", "ES256", "ES384", "EdDSA"] })).payload;
      break;
    }
  }
  return async (token) => {
    try {
      return await verify(token);
    } catch (error) {
      throw new GatewayError(ErrorCode.UNAUTHENTICATED, describe(error));
    }
  };
}

/** A short, stable explanation; jose's own messages may quote claim values, so none is passed on. */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "The token has expired.";
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's ${error.claim} claim is not accepted.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "The token's signing algorithm is not accepted.";
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return "The token's signature does not verify.";
  }
  return "The token is malformed or not signed by a trusted key.";
}
