import { SignJWT } from "jose";
import { DEVELOPMENT_JWT_SECRET, type Config } from "../src/server/config.js";

/** A two-hour bearer token signed with the development secret, as `npm run token` mints them. */
export function signBenchToken(config: Config, role: string, subject: string): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(subject)
    .setIssuer(config.jwtIssuer)
    .setAudience(config.jwtAudience)
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(new TextEncoder().encode(DEVELOPMENT_JWT_SECRET));
}
