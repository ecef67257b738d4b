/**
 * The README's flows run as written. Every ```bash block preceded by `<!-- flow: NAME -->` is part
 * of flow NAME, after the block preceded by `<!-- flow-prelude -->` (the `gql` helper); a flow's
 * blocks run in order in one bash (`set -euo pipefail`, so a failing curl,
 * an HTTP error or a `jq -e` that finds nothing fails it), from the repository root, against a
 * server started as `npm start` starts it (embedded database, default seed) with its address in
 * place of `http://127.0.0.1:4000`. What each flow prints is checked below.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayProcess, type GatewayProcess } from "../helpers/gatewayProcess.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const run = promisify(execFile);

/** The README's flows: name -> bash blocks in order; `prelude`: the blocks every flow starts with. */
export function flowsOf(markdown: string): { prelude: string[]; flows: Map<string, string[]> } {
  const flows = new Map<string, string[]>();
  const prelude: string[] = [];
  for (const [, marker, body] of markdown.matchAll(/<!-- (flow-prelude|flow: [a-z-]+) -->\n```bash\n([\s\S]*?)```/g)) {
    if (marker === "flow-prelude") {
      prelude.push(body!);
      continue;
    }
    const name = marker!.slice("flow: ".length);
    flows.set(name, [...(flows.get(name) ?? []), body!]);
  }
  return { prelude, flows };
}

const json = (line: string | undefined) => JSON.parse(line ?? "null");
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** What each flow must print (its output lines), in the order the flows run: they share one database. */
const EXPECTED: Record<string, (lines: string[]) => void> = {
  "first-query": (lines) => {
    expect(lines).toHaveLength(3);
    const support = json(lines[0]);
    expect(support.data.customers.edges).toHaveLength(2);
    for (const { node } of support.data.customers.edges) {
      expect(node.profile.address.line1).toBe("****");
      for (const a of node.accounts) expect(a.accountNumber).toMatch(/^\*{4}\d{4}$/);
    }
    expect(support.extensions.privacy.masked).toEqual(["Account.accountNumber", "PostalAddress.line1"]);
    expect(lines[1]).toMatch(
      /^\{"data":\{"me":\{"id":"0089618b-7608-4f66-8f6a-6cdad5cf1813","profile":\{"fullName":"[^"]+","email":"[^"]+@[^"]+"\},"consents":\[/,
    );
    const partner = json(lines[2]);
    expect(partner.data.myGrant.purposes).toEqual(["CUSTOMER_SUPPORT"]);
    expect(partner.data.customers.edges[0].node.id).toMatch(new RegExp(`^${UUID}$`));
    expect(partner.extensions.privacy).toMatchObject({ purpose: "customer_support", pseudonymized: ["Customer.id"] });
  },
  "my-account": (lines) =>
    expect(lines.map((l, i) => (i === 2 ? l.replace(/"source":"\w+"/, '"source":"*"') : l))).toEqual([
      `{"updateMyProfile":{"displayName":"Ada"}}`,
      `{"updateMyPreferences":{"smsOffers":false,"preferredChannel":"email"}}`,
      `{"setConsent":{"purpose":"marketing","granted":false,"source":"*"}}`,
      `{"partnerName":"Fabrikam Ad Network","optInRequired":true,"choice":"NOT_CHOSEN","receivedCount":0}`,
      `{"partnerName":"Northwind Rewards","optInRequired":true,"choice":"GRANTED","receivedCount":0}`,
      `{"setPartnerSharing":{"partnerName":"Fabrikam Ad Network","choice":"WITHDRAWN"}}`,
      `{"setConsent":{"granted":true,"source":"web"}}`,
      `[{"purpose":"advertising","granted":true,"source":"gpc_conflict"}]`,
      `{"verifySubjectRequest":{"state":"VERIFIED"}}`,
      `{"completeSubjectRequest":{"state":"COMPLETED"}}`,
      `{"objections":[{"purpose":"analytics"}]}`,
      `"OBJECTION_IN_FORCE"`,
      `{"liftObjection":{"purpose":"analytics","granted":true,"source":"web"}}`,
    ]),
  "access-request": (lines) => {
    expect(lines[0]).toBe(`{"verifySubjectRequest":{"state":"VERIFIED"}}`);
    const pages = lines.slice(1, -1).map(json);
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, i) => expect(page).toEqual({ entries: expect.any(Number), hasNextPage: i < pages.length - 1 }));
    expect(pages.every((p) => p.entries > 0)).toBe(true);
    const done = json(lines.at(-1));
    expect(done.state).toBe("COMPLETED");
    expect(done.notes).toEqual([
      "FILED",
      "IDENTITY_VERIFIED:AUTHENTICATED",
      "REPORT_DELIVERED:subject",
      expect.stringMatching(/^REPORT_READABLE_UNTIL:/),
    ]);
  },
  erasure: (lines) => {
    expect(lines.slice(0, 5)).toEqual([
      `{"setConsent":{"granted":true},"setPartnerSharing":{"choice":"GRANTED"}}`,
      expect.stringMatching(/^\d+$/),
      `{"checkSubjectRequestIdentity":{"name":"MATCH","email":"MATCH","passed":true}}`,
      `{"verifySubjectRequest":{"state":"VERIFIED"}}`,
      `"COMPLETED"`,
    ]);
    const tables = lines.slice(5, -1).map(json);
    const byName = new Map(tables.map((t) => [t.table, t]));
    expect(byName.get("customers")).toMatchObject({ held: 1, heldBy: [{ rule: "tombstone" }] });
    expect(byName.get("profiles")).toMatchObject({ anonymised: 1 });
    expect(byName.get("visits")?.erased).toBeGreaterThan(0);
    expect(byName.get("purchases")?.heldBy).toEqual([{ rule: "user.behavior.purchase_history" }]);
    expect(json(lines.at(-1))).toEqual([
      { name: "Fabrikam Ad Network", disclosures: 1, coordinates: expect.arrayContaining(["Visit.device"]) },
    ]);
  },
};

let gateway: GatewayProcess;
let base: string;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "readme-flows-"));
  gateway = startGatewayProcess({ DATA_DIR: dataDir, PURGE: "false" });
  base = new URL(await gateway.listening(120_000)).origin;
}, 150_000);
afterAll(async () => {
  await gateway?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the README's flows run as written against the seed", () => {
  const { prelude, flows } = flowsOf(README);

  it("every flow the README marks is checked here, and every flow checked here is in the README", () => {
    expect(prelude).toHaveLength(1);
    expect([...flows.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, check] of Object.entries(EXPECTED)) {
    it(`flow ${name}`, async () => {
      const script = ["set -euo pipefail", ...prelude, ...(flows.get(name) ?? [])].join("\n").replaceAll("http://127.0.0.1:4000", base);
      const { stdout } = await run("bash", ["-c", script], {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: "" },
        timeout: 120_000,
      }).catch((e: { stdout?: string; stderr?: string }) => {
        throw new Error(`flow ${name} failed:\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
      });
      check(stdout.split("\n").filter(Boolean));
    }, 180_000);
  }
});
