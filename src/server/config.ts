import { existsSync, readFileSync } from "node:fs";
import { DEFAULT_POLICY_PATH } from "../policy/defaultPolicy.js";
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from "./limits/QueryLimits.js";

/** A configuration value that stops the server: one line, naming the variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

/** How tokens are verified: a shared HS256 secret (development) or a public key / JWKS file. */
export type JwtVerification =
  | { kind: "secret"; secret: Uint8Array; isDevelopmentDefault: boolean }
  | { kind: "publicKey"; pem: string; algorithm: string }
  | { kind: "jwks"; jwks: { keys: unknown[] } };

export interface Config {
  production: boolean;
  host: string;
  port: number;
  /** postgres:// URL of a PostgreSQL server; absent means embedded PGlite under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  databasePoolSize: number;
  /** Prepare statements on PostgreSQL server connections (off behind a transaction-mode pooler). */
  databasePreparedStatements: boolean;
  /** Seed demo data into an empty embedded database at start-up. */
  seedDemoData: boolean;
  jwt: JwtVerification;
  jwtIssuer: string;
  jwtAudience: string;
  /** Key of the pseudonymisation HMAC; rotating it changes every pseudonym. */
  pseudonymKey: Uint8Array;
  pseudonymKeyIsDevelopmentDefault: boolean;
  introspection: boolean;
  landingPage: boolean;
  maxBodyBytes: number;
  /** Depth, aliases, fields, tokens, directives and cost of an operation (src/server/limits/). */
  queryLimits: QueryLimits;
  /** Browser origins allowed by CORS (frontend apps); empty: no cross-origin browser access. */
  corsOrigins: readonly string[];
  /** Serve `GET /metrics` (Prometheus text format) on the gateway's own host and port. */
  metrics: boolean;
  /** When set, /metrics answers only `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** On SIGTERM, how long the process may take to stop: requests in flight, then closing the database. */
  shutdownTimeoutMs: number;
  /** The retention purge's slot (src/server/startPurgeSchedule.ts); null: no purge in the server. */
  purgeIntervalMs: number | null;
  /** The policy file (POLICY_FILE; default the shipped policy/default.policy.yaml), re-read on SIGHUP or `reloadPolicy`. */
  policyFile: string;
  /** Who executes operations (EXECUTION): graphql-jit's compiled queries, or graphql-js's executor (src/server/createCompiledExecution.ts). */
  execution: Execution;
}

export const EXECUTIONS = ["jit", "graphql-js"] as const;
export type Execution = (typeof EXECUTIONS)[number];

/**
 * Development-only secrets, published in the README so a new user can mint tokens at once.
 * Refused when NODE_ENV=production.
 */
export const DEVELOPMENT_JWT_SECRET = "dev-only-jwt-secret-change-me-0123456789abcdef";
export const DEVELOPMENT_PSEUDONYM_KEY = "dev-only-pseudonym-key-change-me-0123456789";

type Env = Record<string, string | undefined>;

const DAY_MS = 86_400_000;

/** Reads and validates the environment. Throws ConfigError on the first bad value. */
export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === "production";
  const databaseUrl = optional(env, "DATABASE_URL");
  if (databaseUrl !== null && !/^postgres(ql)?:\/\/[^\s]+$/.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL", "must be a postgres:// or postgresql:// URL");
  }
  const seedDemoData = bool(env, "SEED_DEMO_DATA", databaseUrl === null && !production);
  if (seedDemoData && databaseUrl !== null) {
    throw new ConfigError("SEED_DEMO_DATA", "demo data is only seeded into the embedded database; unset DATABASE_URL or SEED_DEMO_DATA");
  }
  const { key: pseudonymKey, isDefault: pseudonymKeyIsDevelopmentDefault } = secret(
    env,
    "PSEUDONYM_KEY",
    DEVELOPMENT_PSEUDONYM_KEY,
    production,
  );
  return {
    production,
    host: optional(env, "HOST") ?? "127.0.0.1",
    port: integer(env, "PORT", 4000, 0, 65535),
    databaseUrl,
    dataDir: optional(env, "DATA_DIR") ?? ".data/pglite",
    databasePoolSize: integer(env, "DATABASE_POOL_SIZE", 10, 1, 1000),
    databasePreparedStatements: bool(env, "DATABASE_PREPARED_STATEMENTS", true),
    seedDemoData,
    jwt: jwtVerification(env, production),
    jwtIssuer: optional(env, "JWT_ISSUER") ?? "privacy-gateway",
    jwtAudience: optional(env, "JWT_AUDIENCE") ?? "privacy-gateway",
    pseudonymKey,
    pseudonymKeyIsDevelopmentDefault,
    introspection: bool(env, "INTROSPECTION", !production),
    landingPage: bool(env, "LANDING_PAGE", !production),
    maxBodyBytes: integer(env, "MAX_BODY_BYTES", 102_400, 1_024, 10_485_760),
    queryLimits: {
      maxDepth: integer(env, "MAX_DEPTH", DEFAULT_QUERY_LIMITS.maxDepth, 1, 100),
      maxAliases: integer(env, "MAX_ALIASES", DEFAULT_QUERY_LIMITS.maxAliases, 0, 10_000),
      maxFields: integer(env, "MAX_FIELDS", DEFAULT_QUERY_LIMITS.maxFields, 1, 1_000_000),
      maxTokens: integer(env, "MAX_TOKENS", DEFAULT_QUERY_LIMITS.maxTokens, 10, 1_000_000),
      maxDirectives: integer(env, "MAX_DIRECTIVES", DEFAULT_QUERY_LIMITS.maxDirectives, 0, 10_000),
      maxCost: integer(env, "MAX_COST", DEFAULT_QUERY_LIMITS.maxCost, 1, 1_000_000_000),
    },
    corsOrigins: origins(env, "CORS_ORIGINS"),
    metrics: bool(env, "METRICS", true),
    metricsToken: metricsToken(env),
    shutdownTimeoutMs: integer(env, "SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000),
    purgeIntervalMs: bool(env, "PURGE", true) ? integer(env, "PURGE_INTERVAL_MS", DAY_MS, 1_000, 7 * DAY_MS) : null,
    policyFile: policyFile(env),
    execution: execution(env),
  };
}

function execution(env: Env): Execution {
  const raw = optional(env, "EXECUTION") ?? "jit";
  const known = EXECUTIONS.find((e) => e === raw);
  if (known === undefined) throw new ConfigError("EXECUTION", `must be one of ${EXECUTIONS.join(", ")}`);
  return known;
}

/** The policy file the server and the maintenance commands (purge, datamap) decide under. */
export function policyFile(env: Env = process.env): string {
  return optional(env, "POLICY_FILE") ?? DEFAULT_POLICY_PATH;
}

function jwtVerification(env: Env, production: boolean): JwtVerification {
  const sources = ["JWT_SECRET", "JWT_PUBLIC_KEY_FILE", "JWT_JWKS_FILE"].filter((v) => optional(env, v) !== null);
  if (sources.length > 1) throw new ConfigError(sources[1]!, `set only one of ${sources.join(", ")}`);
  const publicKeyFile = optional(env, "JWT_PUBLIC_KEY_FILE");
  if (publicKeyFile !== null) {
    const pem = readable(publicKeyFile, "JWT_PUBLIC_KEY_FILE");
    if (!pem.includes("BEGIN PUBLIC KEY")) throw new ConfigError("JWT_PUBLIC_KEY_FILE", "must hold a PEM (SPKI) public key");
    const algorithm = optional(env, "JWT_ALGORITHM") ?? "RS256";
    if (!/^(RS|PS|ES)(256|384|512)$|^EdDSA$/.test(algorithm)) {
      throw new ConfigError("JWT_ALGORITHM", "must be an asymmetric algorithm such as RS256, ES256 or EdDSA");
    }
    return { kind: "publicKey", pem, algorithm };
  }
  const jwksFile = optional(env, "JWT_JWKS_FILE");
  if (jwksFile !== null) {
    let jwks: unknown;
    try {
      jwks = JSON.parse(readable(jwksFile, "JWT_JWKS_FILE"));
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError("JWT_JWKS_FILE", "is not valid JSON");
    }
    if (!jwks || typeof jwks !== "object" || !Array.isArray((jwks as { keys?: unknown }).keys)) {
      throw new ConfigError("JWT_JWKS_FILE", 'must hold a JSON Web Key Set ({"keys": [...]})');
    }
    return { kind: "jwks", jwks: jwks as { keys: unknown[] } };
  }
  const { key, isDefault } = secret(env, "JWT_SECRET", DEVELOPMENT_JWT_SECRET, production);
  return { kind: "secret", secret: key, isDevelopmentDefault: isDefault };
}

function secret(env: Env, name: string, developmentDefault: string, production: boolean) {
  const value = optional(env, name);
  if (value === null) {
    if (production) throw new ConfigError(name, "is required when NODE_ENV=production");
    return { key: new TextEncoder().encode(developmentDefault), isDefault: true };
  }
  if (value.length < 32) throw new ConfigError(name, "must be at least 32 characters");
  if (production && value === developmentDefault) throw new ConfigError(name, "must not be the published development value in production");
  return { key: new TextEncoder().encode(value), isDefault: false };
}

function metricsToken(env: Env): string | null {
  const token = optional(env, "METRICS_TOKEN");
  if (token !== null && !/^\S{16,}$/.test(token)) throw new ConfigError("METRICS_TOKEN", "must be at least 16 characters without spaces");
  return token;
}

function readable(path: string, name: string): string {
  if (!existsSync(path)) throw new ConfigError(name, `file not found: ${path}`);
  return readFileSync(path, "utf8");
}

function optional(env: Env, name: string): string | null {
  const value = env[name];
  return value === undefined || value.trim() === "" ? null : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

function origins(env: Env, name: string): string[] {
  const raw = optional(env, name);
  if (raw === null) return [];
  const list = raw
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin))
      throw new ConfigError(name, `"${origin}" is not an origin such as https://app.example.com`);
  }
  return list;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, "must be true or false");
}
