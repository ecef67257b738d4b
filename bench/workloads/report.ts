import type { Workload } from "./Workload.js";
import { at, list, json } from "./Workload.js";

/** The privacy office's subject access report for a subject with thousands of visits. */
export function reportWorkload(options: { requestId: string; visits: number; staffToken: string }): Workload {
  const gatewayQuery = `query AccessReport($requestId: ID!) @purpose(name: SUBJECT_REQUEST) {
  accessReport(requestId: $requestId) {
    requestId subjectId subjectStatus generatedAt policyVersion
    entries { coordinate category table column rowId value withheld effect reasonCode purposes retention source note }
    recipients { callerKind role partnerId purposes lastDisclosedAt }
  }
}`;
  return {
    key: "report",
    title: `report: subject access report, ${options.visits.toLocaleString("en-US")} visits`,
    description: `the privacy office (JWT, purpose \`subject_request\`) reads the access report of a verified request whose subject has ${options.visits.toLocaleString("en-US")} visits: ` +
      "every personal value held, each through the decision and the disclosure record",
    connections: 1,
    perConnection: 4,
    sequential: { uncounted: 1, counted: 1 },
    gateway: {
      headers: { ...json, authorization: `Bearer ${options.staffToken}` },
      body: { query: gatewayQuery, variables: { requestId: options.requestId } },
      items: (data) => (at(data, "accessReport", "subjectId"), list(data, "accessReport", "entries").length),
    },
  };
}
