/** Where a table's personal data comes from, for the access report (GDPR art. 15(1)(g)). */
export type DataSource = "provided by the subject" | "collected automatically" | "derived";

export const SOURCES: Readonly<Record<string, DataSource>> = {
  customers: "provided by the subject",
  profiles: "provided by the subject",
  credentials: "provided by the subject",
  accounts: "derived",
  payment_methods: "provided by the subject",
  purchases: "collected automatically",
  preferences: "provided by the subject",
  consent_events: "provided by the subject",
  submitted_messages: "provided by the subject",
  visits: "collected automatically",
};

/** The source of a table's data; "not set" for a table nobody has classified yet (a test catches it). */
export function sourceOf(table: string): DataSource | "not set" {
  return SOURCES[table] ?? "not set";
}
