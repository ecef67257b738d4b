import { Writable } from "node:stream";
import { SignJWT } from "jose";
import type { DatabaseHandle } from "../../src/db/client.js";
import { partnerGrants } from "../../src/db/schema/index.js";
import { seed, type SeedSummary } from "../../src/db/seed/seed.js";
import { DEVELOPMENT_JWT_SECRET, loadConfig, type Config } from "../../src/server/config.js";
import { createEnforcedGateway } from "../../src/server/createEnforcedGateway.js";
import type { Gateway } from "../../src/server/createGateway.js";
import { createLogger } from "../../src/server/logger.js";
import { createTestDatabase } from "./testDatabase.js";

export interface TestGateway {
  url: string;
  database: DatabaseHandle;
  gateway: Gateway;
  config: Config;
  /** What the seed wrote, with the demo partners' API keys. */
  seeded: SeedSummary;
  /** Every log line the gateway wrote, for tests that grep them. */
  logs: string[];
  token(role: string, sub?: string, options?: { expiresIn?: string; secret?: string }): Promise<string>;
  /** POSTs a GraphQL operation over real HTTP. */
  post(
    body: { query: string; variables?: Record<string, unknown>; operationName?: string },
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** A real gateway on a free loopback port over a fresh seeded database. */
export async function startTestGateway(
  options: { customers?: number; seed?: number; canaries?: boolean; env?: Record<string, string> } = {},
): Promise<TestGateway> {
  const database = await createTestDatabase();
  const seeded = await seed(database.db, { customers: options.customers ?? 40, seed: options.seed ?? 7, canaries: options.canaries });
  // Generated test traffic outruns the demo grants' per-minute limits; rate limiting has its own tests.
  await database.db.update(partnerGrants).set({ requestsPerMinute: 100_000 });
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", ...options.env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const gateway = await createEnforcedGateway({ config, database, logger: createLogger({ level: "info", destination: sink }) });
  const url = await gateway.listen();
  return {
    url,
    database,
    gateway,
    config,
    logs,
    seeded,
    token: (role, sub = "staff-test", opts = {}) =>
      new SignJWT({ role })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(sub)
        .setIssuer(config.jwtIssuer)
        .setAudience(config.jwtAudience)
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? "10m")
        .sign(new TextEncoder().encode(opts.secret ?? DEVELOPMENT_JWT_SECRET)),
    post: async (body, headers = {}) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep the text */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    close: async () => {
      await gateway.close();
      await database.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
