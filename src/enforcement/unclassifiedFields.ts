/**
 * Why an output field reachable from a data subject carries no `@personal` category:
 * - `identifier`: a row's or the subject's id. Never disclosed as stored to a recipient that
 *   must not join: partners get pairwise ids, pseudonymising purposes per-purpose ones
 *   (src/enforcement/createIdScope.ts; applied to each field of kind `identifier` by
 *   applyRuleTree.ts); staff under contract purposes and the subject keep the
 *   internal id.
 * - `container`: holds a subject's fields, each classified, and is there for every visible subject
 *   (its resolver never answers null), so that it exists discloses nothing.
 * - `accounting`: the accounting of disclosures itself, read only by the subject, the privacy
 *   office and legal (its resolver refuses everyone else), never recorded as a disclosure.
 */
export type UnclassifiedKind = "identifier" | "container" | "accounting";

export interface Unclassified {
  readonly kind: UnclassifiedKind;
  readonly reason: string;
}

const identifier = (of: string): Unclassified => ({
  kind: "identifier",
  reason: `the id of ${of}: pairwise per partner and per pseudonymising purpose, internal only for contract purposes`,
});

/**
 * The one list of exceptions to "every output field reachable from a subject carries a category"
 * (DESIGN.md section 2). A field reachable from `Customer` that is neither marked nor listed here
 * is refused at run time (createRuleTree.ts) and fails test/schema/classification.test.ts.
 */
export const UNCLASSIFIED_FIELDS: Readonly<Record<string, Unclassified>> = {
  "Customer.id": identifier("the data subject"),
  "Account.id": identifier("an account"),
  "PaymentMethod.id": identifier("a payment method"),
  "Purchase.id": identifier("a purchase"),
  "Consent.id": identifier("a consent event"),
  "SubmittedMessage.id": identifier("a submitted message"),
  "Visit.id": identifier("a visit"),
  "Objection.requestId": identifier("the objection's subject request"),
  "Customer.profile": {
    kind: "container",
    reason: "one per subject, never null (an empty profile stands in for a missing row); each field inside is classified",
  },
  "Customer.disclosures": {
    kind: "accounting",
    reason: "the accounting of disclosures: only the subject, the privacy office and legal read it (DisclosureResolver)",
  },
};

/** The coordinates of kind `identifier`: their values leave in the request's id scope. */
export const IDENTIFIER_FIELDS: ReadonlySet<string> = new Set(
  Object.entries(UNCLASSIFIED_FIELDS)
    .filter(([, u]) => u.kind === "identifier")
    .map(([coordinate]) => coordinate),
);

/** The type every subject's data hangs from: what is reachable from it describes a subject. */
export const SUBJECT_ROOT_TYPE = "Customer";
