/**
 * Fields of the customer graph that are the privacy machinery's own records, not personal data:
 * role-gated (FORBIDDEN outside the subject, the privacy office and legal) and tested on their
 * own (test/enforcement/disclosureAccounting.test.ts). Generated operations leave them out.
 */
export const AUDIT_FIELDS = new Set(["Customer.disclosures"]);
