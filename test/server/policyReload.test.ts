// The policy file changes the gateway's decisions without a deploy: a matrix cell, a role's
// purposes and a retention period edited in the file (no code), then reloaded through the API,
// change what the gateway answers over HTTP; a broken file is refused with its line and the policy
// in force stays; every answer, record and log line names the version that decided it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY, DEFAULT_POLICY_PATH } from "../../src/policy/index.js";
import { bearer, startTestGateway, type TestGateway } from "../helpers/testGateway.js";

const dir = mkdtempSync(join(tmpdir(), "policy-reload-"));
const file = join(dir, "company.policy.yaml");
const SHIPPED = readFileSync(DEFAULT_POLICY_PATH, "utf8");

let gw: TestGateway;
beforeAll(async () => {
  writeFileSync(file, SHIPPED);
  gw = await startTestGateway({ customers: 12, env: { POLICY_FILE: file } });
});
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

const PAGE = `query Page @purpose(name: CUSTOMER_SUPPORT) { customers(first: 5) { edges { node { id profile { email } } } } }`;
const EXPLAIN = `query Explain($id: ID!) @purpose(name: CUSTOMER_SUPPORT) { explainAccess(coordinate: "Profile.email", subjectId: $id) { effect reasonCode policyVersion } }`;
const BILLING_AS_SUPPORT = `query Billing @purpose(name: CUSTOMER_SUPPORT) { customers(first: 1) { totalCount } }`;
const DRY_RUN = `mutation Purge @purpose(name: LEGAL_COMPLIANCE) { runRetentionPurge(dryRun: true) { policyVersion rules { category retention } } }`;
const RELOAD = `mutation Reload @purpose(name: LEGAL_COMPLIANCE) { reloadPolicy { reloaded version errors { line column path message } } }`;
const LOG = `query Log($from: DateTimeISO) @purpose(name: LEGAL_COMPLIANCE) { disclosureLog(first: 100, filter: { from: $from }) { requestId policyVersion } }`;

const as = async (role: string) => bearer(await gw.token(role));

/** What support, billing and the purge see now. */
async function observe() {
  const page = await gw.post({ query: PAGE }, await as("support_agent"));
  const emails = page.body.data.customers.edges.map((e: any) => e.node.profile?.email).filter(Boolean) as string[];
  const id = page.body.data.customers.edges[0].node.id as string;
  const explained = (await gw.post({ query: EXPLAIN, variables: { id } }, await as("support_agent"))).body.data.explainAccess;
  const billing = await gw.post({ query: BILLING_AS_SUPPORT }, await as("billing"));
  const purge = (await gw.post({ query: DRY_RUN }, await as("privacy_officer"))).body.data.runRetentionPurge;
  const requestId = page.headers.get("x-request-id");
  return {
    emailsMasked: emails.length > 0 && emails.every((e) => e.includes("***")),
    explained,
    billingCode: billing.body.errors?.[0]?.extensions?.code ?? null,
    ipRetention: purge.rules.find((r: any) => r.category === "user.device.ip_address")?.retention,
    purgeVersion: purge.policyVersion,
    requestId,
  };
}

async function reload() {
  const res = await gw.post({ query: RELOAD }, await as("privacy_officer"));
  expect(res.status).toBe(200);
  return res.body.data.reloadPolicy as {
    reloaded: boolean;
    version: string;
    errors: { line: number; column: number; path: string; message: string }[];
  };
}

const readyVersion = async () => ((await (await fetch(new URL("/readyz", gw.url))).json()) as { policy: string }).policy;

describe("reloading the policy file", () => {
  it("a cell, a role's purposes and a retention period edited in the file change decisions after a reload; records carry each version", async () => {
    const since = new Date().toISOString();
    const before = await observe();
    expect(before).toMatchObject({
      emailsMasked: false,
      explained: { effect: "ALLOW", reasonCode: "ALLOWED", policyVersion: DEFAULT_POLICY.version },
      billingCode: "PURPOSE_NOT_ALLOWED",
      ipRetention: "90 days after collection, then anonymised",
      purgeVersion: DEFAULT_POLICY.version,
    });
    expect(await readyVersion()).toBe(DEFAULT_POLICY.version);

    writeFileSync(
      file,
      SHIPPED.replace('version: "2026-11-01"', 'version: "2026-12-01"')
        .replace(/^( {4}user\.contact\.email: +)"A A A/m, '$1"A A M') // support: email masked
        .replace("  billing: [payments]", "  billing: [payments, customer_support]")
        .replace(
          "    period: { days: 90 }\n    clock: collection\n    action: anonymize",
          "    period: { days: 30 }\n    clock: collection\n    action: anonymize",
        ),
    );
    const result = await reload();
    expect(result).toMatchObject({ reloaded: true, version: expect.stringMatching(/^2026-12-01\+[0-9a-f]{12}$/), errors: [] });
    expect(result.version).not.toBe(DEFAULT_POLICY.version);

    const after = await observe();
    expect(after).toMatchObject({
      emailsMasked: true,
      explained: { effect: "MASK", reasonCode: "MASKED", policyVersion: result.version },
      billingCode: null,
      ipRetention: "30 days after collection, then anonymised",
      purgeVersion: result.version,
    });
    expect(await readyVersion()).toBe(result.version);
    expect(gw.logs.join("")).toMatch(new RegExp(`"requestId":"${after.requestId}"[^\\n]*"policy":"${result.version.replace("+", "\\+")}"`));

    // The disclosure log names the version that decided each page.
    const log = (await gw.post({ query: LOG, variables: { from: since } }, await as("privacy_officer"))).body.data.disclosureLog as {
      requestId: string;
      policyVersion: string;
    }[];
    expect(new Set(log.filter((r) => r.requestId === before.requestId).map((r) => r.policyVersion))).toEqual(
      new Set([DEFAULT_POLICY.version]),
    );
    expect(new Set(log.filter((r) => r.requestId === after.requestId).map((r) => r.policyVersion))).toEqual(new Set([result.version]));

    // A metric says which version this replica serves.
    const metrics = await (await fetch(new URL("/metrics", gw.url))).text();
    expect(metrics).toContain(`gateway_policy_info{version="${result.version}"} 1`);
  });

  it("a broken file is refused with its line and column; the policy in force stays", async () => {
    const inForce = await readyVersion();
    const before = await observe();
    const broken = readFileSync(file, "utf8").replace("  legal: [legal_compliance]", "  legal: [legal_compliance, gossip]");
    writeFileSync(file, broken);
    const line = broken.split("\n").findIndex((l) => l.includes("gossip")) + 1;
    const result = await reload();
    expect(result).toEqual({
      reloaded: false,
      version: inForce,
      errors: [{ line, column: 29, path: "roles.legal.1", message: "role `legal` declares undefined purpose `gossip`" }],
    });
    expect(await observe()).toMatchObject({ ...before, requestId: expect.any(String) });
    expect(await readyVersion()).toBe(inForce);
  });

  it("only the privacy office reloads, and under legal_compliance", async () => {
    const res = await gw.post({ query: RELOAD }, await as("legal"));
    expect(res.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const wrongPurpose = await gw.post({ query: RELOAD.replace("LEGAL_COMPLIANCE", "SUBJECT_REQUEST") }, await as("privacy_officer"));
    expect(wrongPurpose.body.errors[0].extensions.code).toBe("PURPOSE_NOT_ALLOWED");
  });
});
