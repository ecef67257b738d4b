// `diff`: a policy change reviewed as its effect on decisions, widened first.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, DEFAULT_POLICY_PATH, isAtMost, loadPolicy, matrixCell, PURPOSES, type Policy } from "../../src/policy/index.js";
import { diffPolicies, formatPolicyDiff } from "../../src/policy/policyDiff.js";

const TEXT = readFileSync(DEFAULT_POLICY_PATH, "utf8");

function policyOf(text: string): Policy {
  const loaded = loadPolicy(text);
  if (!loaded.ok) throw new Error(`does not load: ${JSON.stringify(loaded.errors)}`);
  return loaded.policy;
}

/** The shipped file with one matrix letter replaced: row `category`, column `purpose`. */
function withCell(category: string, purpose: string, letter: string): string {
  const column = PURPOSES.indexOf(purpose as (typeof PURPOSES)[number]);
  return TEXT.replace(new RegExp(`^( {4}${category.replace(/\./g, "\\.")}: +)"([^"]*)"`, "m"), (_, head: string, row: string) => {
    const letters = row.split(" ");
    letters[column] = letter;
    return `${head}"${letters.join(" ")}"`;
  });
}

describe("diffPolicies", () => {
  it("a policy against itself: no change", () => {
    expect(diffPolicies(DEFAULT_POLICY, DEFAULT_POLICY)).toEqual({ effects: [], rules: [] });
    expect(formatPolicyDiff(diffPolicies(DEFAULT_POLICY, policyOf(`${TEXT}\n# a comment\n`)))).toBe("");
  });

  it("one changed cell: exactly the roles and partner kinds that may declare the purpose, for that row's categories (generated)", () => {
    const rows = [...DEFAULT_POLICY.matrix.keys()];
    fc.assert(
      fc.property(
        fc.constantFrom(...rows),
        fc.constantFrom(...PURPOSES),
        fc.constantFrom("A", "M", "P", "-"),
        (category, purpose, letter) => {
          const after = policyOf(withCell(category, purpose, letter));
          const { effects } = diffPolicies(DEFAULT_POLICY, after);
          for (const c of effects) {
            expect(c.purpose).toBe(purpose);
            expect(c.from).toBe(matrixCell(DEFAULT_POLICY, purpose, c.category));
            expect(c.to).toBe(matrixCell(after, purpose, c.category));
            expect(c.widened).toBe(!isAtMost(c.to, c.from));
          }
          const roles = Object.entries(DEFAULT_POLICY.roles)
            .filter(([, ps]) => ps.includes(purpose))
            .map(([r]) => r);
          const who = new Set(effects.map((c) => c.who));
          if (effects.length > 0)
            expect([...who].sort()).toEqual([...roles, "partner:affiliate", "partner:service_provider", "partner:third_party"].sort());
          const widenedFirst = effects.map((c) => c.widened);
          expect(widenedFirst).toEqual([...widenedFirst].sort((a, b) => Number(b) - Number(a)));
        },
      ),
      { numRuns: 80 },
    );
  });

  it("widened lines come first, rule changes too", () => {
    const text = withCell("user.name", "marketing", "-") // narrowed
      .replace("  billing: [payments]", "  billing: [payments, fraud_prevention]") // widened
      .replace("  third_party: { requires_opt_in: true }", "  third_party: { requires_opt_in: false }") // widened rule
      .replace(
        "    period: { days: 90 }\n    clock: collection\n    action: nullify",
        "    period: { days: 30 }\n    clock: collection\n    action: nullify",
      );
    const lines = formatPolicyDiff(diffPolicies(DEFAULT_POLICY, policyOf(text)))
      .trimEnd()
      .split("\n");
    const firstNarrowed = lines.findIndex((l) => !l.startsWith("WIDENED"));
    expect(lines.slice(firstNarrowed).some((l) => l.startsWith("WIDENED"))).toBe(false);
    expect(lines).toContain("WIDENED   billing  fraud_prevention  user.name: deny -> allow");
    expect(lines).toContain("WIDENED   partner kind third_party: requires opt-in: true -> false");
    expect(lines).toContain("narrowed  marketing_analyst  marketing  user.name: allow -> deny");
    expect(lines).toContain(
      "changed   retention user.location: 90 days after collection, then removed -> 30 days after collection, then removed",
    );
  });
});
