import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/server/config.js";

const secret = "s".repeat(40);

describe("loadConfig", () => {
  it("has working development defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: "127.0.0.1",
      databaseUrl: null,
      seedDemoData: true,
      introspection: true,
      landingPage: true,
    });
    expect(config.jwt.kind).toBe("secret");
  });

  it("turns introspection, the landing page and seeding off in production", () => {
    const config = loadConfig({ NODE_ENV: "production", JWT_SECRET: secret, PSEUDONYM_KEY: secret });
    expect(config).toMatchObject({ introspection: false, landingPage: false, seedDemoData: false, production: true });
  });

  it.each([
    [{ PORT: "http" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ JWT_SECRET: "short" }, "JWT_SECRET"],
    [{ NODE_ENV: "production", PSEUDONYM_KEY: secret }, "JWT_SECRET"],
    [{ NODE_ENV: "production", JWT_SECRET: secret }, "PSEUDONYM_KEY"],
    [{ INTROSPECTION: "maybe" }, "INTROSPECTION"],
    [{ JWT_SECRET: secret, JWT_JWKS_FILE: "/x" }, "JWT_JWKS_FILE"],
    [{ JWT_PUBLIC_KEY_FILE: "/does/not/exist.pem" }, "JWT_PUBLIC_KEY_FILE"],
    [{ DATABASE_URL: "postgres://h/db", SEED_DEMO_DATA: "true" }, "SEED_DEMO_DATA"],
    [{ MAX_BODY_BYTES: "12" }, "MAX_BODY_BYTES"],
  ])("refuses %j with one line naming %s", (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message.startsWith(`${variable}: `)).toBe(true);
    expect((error as Error).message).not.toContain("\n");
  });

  it("reads a JWKS file", () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-config-"));
    const file = join(dir, "jwks.json");
    writeFileSync(file, JSON.stringify({ keys: [] }));
    expect(loadConfig({ JWT_JWKS_FILE: file }).jwt.kind).toBe("jwks");
    writeFileSync(file, "not json");
    expect(() => loadConfig({ JWT_JWKS_FILE: file })).toThrow(/^JWT_JWKS_FILE: /);
  });
});

describe("CORS_ORIGINS", () => {
  it("takes a list of origins and refuses anything else", () => {
    expect(loadConfig({ CORS_ORIGINS: "https://app.example.com, http://localhost:5173" }).corsOrigins).toEqual([
      "https://app.example.com",
      "http://localhost:5173",
    ]);
    expect(() => loadConfig({ CORS_ORIGINS: "*" })).toThrow(/^CORS_ORIGINS: /);
    expect(() => loadConfig({ CORS_ORIGINS: "https://app.example.com/path" })).toThrow(/^CORS_ORIGINS: /);
  });
});

describe("operations settings", () => {
  it("serves /metrics without a token and gives requests 10 s to finish on SIGTERM by default", () => {
    expect(loadConfig({})).toMatchObject({ metrics: true, metricsToken: null, shutdownTimeoutMs: 10_000 });
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: secret, PSEUDONYM_KEY: secret })).toMatchObject({
      metrics: true,
      metricsToken: null,
    });
  });

  it("reads METRICS, METRICS_TOKEN and SHUTDOWN_TIMEOUT_MS, and refuses bad values naming the variable", () => {
    expect(loadConfig({ METRICS: "off", METRICS_TOKEN: "t".repeat(16), SHUTDOWN_TIMEOUT_MS: "2500" })).toMatchObject({
      metrics: false,
      metricsToken: "t".repeat(16),
      shutdownTimeoutMs: 2500,
    });
    expect(() => loadConfig({ METRICS: "sometimes" })).toThrow(/^METRICS: /);
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(/^METRICS_TOKEN: /);
    expect(() => loadConfig({ METRICS_TOKEN: "has a space in it, sixteen+" })).toThrow(/^METRICS_TOKEN: /);
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: "-1" })).toThrow(/^SHUTDOWN_TIMEOUT_MS: /);
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: "700000" })).toThrow(/^SHUTDOWN_TIMEOUT_MS: /);
  });

  it("runs the retention purge daily by default; PURGE_INTERVAL_MS sets the slot, PURGE=off none", () => {
    expect(loadConfig({}).purgeIntervalMs).toBe(86_400_000);
    expect(loadConfig({ PURGE_INTERVAL_MS: "3600000" }).purgeIntervalMs).toBe(3_600_000);
    expect(loadConfig({ PURGE: "off", PURGE_INTERVAL_MS: "3600000" }).purgeIntervalMs).toBeNull();
    expect(() => loadConfig({ PURGE: "weekly" })).toThrow(/^PURGE: /);
    expect(() => loadConfig({ PURGE_INTERVAL_MS: "999" })).toThrow(/^PURGE_INTERVAL_MS: /);
  });
});
