import { parseArgs } from "node:util";
import { SignJWT } from "jose";
import { ConfigError, loadConfig } from "../server/config.js";
import { isUuid } from "../graphql/customer/cursor.js";
import { ROLES } from "../policy/roles.js";

/**
 * `npm run token -- --role support_agent` or `--role customer --customer <id>`: prints a signed
 * development token. Works only with an HS256 secret (JWT_SECRET or the development default);
 * deployments with a public key mint tokens at their identity provider. A customer id must be a
 * UUID; whether that customer exists is the gateway's to say (UNKNOWN_SUBJECT): the embedded
 * database belongs to the server process, so this command does not open it.
 */
function fail(message: string): never {
  console.error(`token: ${message}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      role: { type: "string" },
      customer: { type: "string" },
      "staff-id": { type: "string", default: "staff-dev" },
      ttl: { type: "string", default: "8h" },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
const role = args.role;
if (!role || !(ROLES as readonly string[]).includes(role)) fail(`--role must be one of ${ROLES.join(", ")}`);
if (role === "customer" && !args.customer)
  fail("--role customer needs --customer <customer id> (the server logs a demo customer id at start)");
if (role !== "customer" && args.customer) fail("--customer goes with --role customer only");
// The gateway refuses a customer token whose subject is not a customer id, so none is minted.
const customerId = args.customer?.toLowerCase();
if (customerId !== undefined && !isUuid(customerId))
  fail("--customer must be a customer id, a UUID (the server logs a demo customer id at start)");
if (!/^\d+[smhd]$/.test(args.ttl!)) fail("--ttl must look like 30m, 8h or 7d");

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(`configuration error: ${error.message}`);
  throw error;
}
if (config.jwt.kind !== "secret")
  fail("tokens can only be minted with an HS256 secret (JWT_SECRET); this configuration verifies with a public key");

const token = await new SignJWT({ role })
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setSubject(role === "customer" ? customerId! : args["staff-id"]!)
  .setIssuer(config.jwtIssuer)
  .setAudience(config.jwtAudience)
  .setIssuedAt()
  .setExpirationTime(args.ttl!)
  .sign(config.jwt.secret);
console.log(token);
