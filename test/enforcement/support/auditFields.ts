/**
 * Fields of the customer graph that read the privacy machinery's own records (the disclosure log):
 * role-gated (FORBIDDEN outside the subject, the privacy office and legal) and tested on their
 * own (test/enforcement/disclosureAccounting.test.ts, test/graphql/partnerSharing.test.ts).
 * Generated operations leave them out.
 */
export const AUDIT_FIELDS = new Set(["Customer.disclosures", "Customer.partnerSharing"]);
