import { expect } from "vitest";
import { bearer, type TestGateway } from "../helpers/testGateway.js";

/** Partner administration through the public API, as the privacy office does it. */

export const PARTNER_FIELDS = `id name kind region contractRef createdAt
  keys { id partnerId createdAt revokedAt }
  grants { id partnerId purposes categories subjectScope regions transferBasis validFrom validUntil requestsPerMinute revokedAt status }`;

export const GRANT_FIELDS =
  "id partnerId purposes categories subjectScope regions transferBasis validFrom validUntil requestsPerMinute revokedAt status";

/** A partner reads its grant; like every operation it declares one of its purposes. */
export const myGrantQuery = (purpose: string) => `query MyGrant @purpose(name: ${purpose}) { myGrant {
  partnerId partnerKind partnerRegion keyId grantId purposes categories subjectScope regions transferBasis validFrom validUntil requestsPerMinute
} }`;

export interface GrantSpec {
  purposes: string[];
  categories: string[];
  subjectScope?: "ALL" | "CONSENTED" | "LINKED";
  regions: string[];
  transferBasis?: string | null;
  validFrom?: Date;
  validUntil?: Date;
  requestsPerMinute?: number;
}

export function admin(gw: TestGateway) {
  let officer: Record<string, string> | undefined;
  const headers = async () => (officer ??= bearer(await gw.token("privacy_officer", "privacy-office-test")));

  /** Runs an operation as the privacy office; `@purpose(name: LEGAL_COMPLIANCE)` is added to it. */
  async function run(operation: string, variables: Record<string, unknown> = {}) {
    const query = operation.replace(/^(query|mutation)(\s+\w+)?(\([^)]*\))?/, (m) => `${m} @purpose(name: LEGAL_COMPLIANCE)`);
    return gw.post({ query, variables }, await headers());
  }

  async function ok(operation: string, variables: Record<string, unknown> = {}) {
    const res = await run(operation, variables);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    expect(res.status).toBe(200);
    return res.body.data;
  }

  return {
    run,
    ok,
    async createPartner(input: {
      name?: string;
      kind: "AFFILIATE" | "SERVICE_PROVIDER" | "THIRD_PARTY";
      region: string;
      contractRef?: string;
    }): Promise<string> {
      const data = await ok(`mutation CreatePartner($input: CreatePartnerInput!) { createPartner(input: $input) { ${PARTNER_FIELDS} } }`, {
        input: {
          name: input.name ?? `Partner ${input.kind} ${input.region}`,
          kind: input.kind,
          region: input.region,
          contractRef: input.contractRef ?? "DPA-TEST-1",
        },
      });
      return data.createPartner.id;
    },
    async issueKey(partnerId: string): Promise<{ apiKey: string; keyId: string }> {
      const data = await ok(
        "mutation Issue($id: ID!) { issueApiKey(partnerId: $id) { apiKey key { id partnerId createdAt revokedAt } } }",
        { id: partnerId },
      );
      return { apiKey: data.issueApiKey.apiKey, keyId: data.issueApiKey.key.id };
    },
    async revokeKey(keyId: string) {
      return (await ok("mutation Revoke($id: ID!) { revokeApiKey(keyId: $id) { id revokedAt } }", { id: keyId })).revokeApiKey;
    },
    async createGrant(partnerId: string, spec: GrantSpec) {
      const now = Date.now();
      const data = await ok(`mutation Grant($input: CreateGrantInput!) { createGrant(input: $input) { ${GRANT_FIELDS} } }`, {
        input: {
          partnerId,
          purposes: spec.purposes,
          categories: spec.categories,
          subjectScope: spec.subjectScope ?? "ALL",
          regions: spec.regions,
          transferBasis: spec.transferBasis ?? null,
          validFrom: (spec.validFrom ?? new Date(now - 60_000)).toISOString(),
          validUntil: (spec.validUntil ?? new Date(now + 30 * 86_400_000)).toISOString(),
          requestsPerMinute: spec.requestsPerMinute ?? 1000,
        },
      });
      return data.createGrant;
    },
    async revokeGrant(grantId: string) {
      return (await ok(`mutation RevokeGrant($id: ID!) { revokeGrant(grantId: $id) { ${GRANT_FIELDS} } }`, { id: grantId })).revokeGrant;
    },
  };
}

/** POSTs as a partner with its API key. */
export const asPartner = (gw: TestGateway, apiKey: string, query: string, variables: Record<string, unknown> = {}) =>
  gw.post({ query, variables }, { "x-api-key": apiKey });
