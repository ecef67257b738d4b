// Prints the privacy policy (matrix and roles) as Markdown: `tsx src/cli/policy.ts`.
import { DEFAULT_POLICY, formatPolicyTable } from "../policy/index.js";

process.stdout.write(formatPolicyTable(DEFAULT_POLICY));
