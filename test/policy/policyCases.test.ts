// The policy's own test table (policy/default.policy.test.yaml) runs here, so CI runs it; and the
// shipped cases cover every purpose and every rule about the subject's state.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, DEFAULT_POLICY_PATH, loadPolicy, PURPOSES } from "../../src/policy/index.js";
import { parsePolicyCases, runPolicyCases } from "../../src/policy/policyCases.js";

const CASES_PATH = DEFAULT_POLICY_PATH.replace(/\.yaml$/, ".test.yaml");
const parsed = parsePolicyCases(readFileSync(CASES_PATH, "utf8"));

/** The reason codes of decide's rules about the subject (src/policy/decide.ts, subjectRefusal). */
const SUBJECT_RULES = [
  "ERASED",
  "RESTRICTED",
  "NOT_OWN_DATA",
  "NO_VERIFIED_REQUEST",
  "OPTED_OUT",
  "OBJECTED",
  "CONSENT_REQUIRED",
  "GRANT_SCOPE",
  "OUT_OF_REGION",
  "TRANSFER_NOT_PERMITTED",
];

describe("policy cases", () => {
  it("the shipped cases all pass under the shipped policy", () => {
    expect(parsed.ok && parsed.cases.length).toBeGreaterThan(30);
    if (!parsed.ok) return;
    const failed = runPolicyCases(DEFAULT_POLICY, parsed.cases)
      .filter((r) => !r.passed)
      .map((r) => `line ${r.line} ${r.name}: got ${r.got.effect}/${r.got.reason}`);
    expect(failed).toEqual([]);
  });

  it("cover every purpose and every subject-state rule (each refusing, and where it applies, a case it lets through)", () => {
    if (!parsed.ok) throw new Error("cases do not parse");
    expect(PURPOSES.filter((p) => !parsed.cases.some((c) => c.purpose === p))).toEqual([]);
    expect(SUBJECT_RULES.filter((r) => !parsed.cases.some((c) => c.expect.reason === r))).toEqual([]);
  });

  it("a changed cell fails the case that pins it, at the case's line", () => {
    if (!parsed.ok) throw new Error("cases do not parse");
    const text = readFileSync(DEFAULT_POLICY_PATH, "utf8").replace(/^( {4}user\.contact\.address: +)"A A M/m, '$1"A A A');
    const loaded = loadPolicy(text);
    if (!loaded.ok) throw new Error("the edited policy does not load");
    const failed = runPolicyCases(loaded.policy, parsed.cases).filter((r) => !r.passed);
    // The row governs `user.contact.address.delivery` too, which has none of its own.
    expect(failed.map((r) => [r.name, r.got.effect])).toEqual([
      ["support sees an address masked", "allow"],
      ["a category without its own row inherits its parent's", "allow"],
    ]);
    const line =
      readFileSync(CASES_PATH, "utf8")
        .split("\n")
        .findIndex((l) => l.includes("support sees an address masked")) + 1;
    expect(failed[0]!.line).toBe(line);
  });

  it("a malformed case is refused with its line", () => {
    const bad = parsePolicyCases(
      "cases:\n  - name: x\n    caller: janitor\n    purpose: marketing\n    category: user.name\n    expect: { effect: allow, reason: ALLOWED }\n",
    );
    expect(bad).toEqual({
      ok: false,
      errors: [expect.objectContaining({ line: 2, path: "cases.0", message: expect.stringContaining("`caller`") })],
    });
    const unknownPurpose = parsePolicyCases(
      "cases:\n  - caller: legal\n    purpose: gossip\n    category: user.name\n    expect: { effect: allow, reason: ALLOWED }\n",
    );
    expect(unknownPurpose.ok).toBe(false);
  });
});
