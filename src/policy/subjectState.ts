import type { Purpose } from "./purposes.js";

/** What decide needs to know about one data subject; batch-loaded once per request. */
export type SubjectState = {
  customerId: string;
  status: "active" | "restricted" | "erased";
  /** Region code of the subject's residency, e.g. `EU`, `US`, `UK`. */
  residency: string;
  /** Opt-out purposes the subject withdrew from, with when. */
  optOuts: ReadonlyMap<Purpose, Date>;
  /** Purposes the subject objected to, with when. */
  objections: ReadonlyMap<Purpose, Date>;
  /** Partner ids the subject opted in to sharing with. */
  partnerOptIns: ReadonlySet<string>;
  /** Partner ids the subject is linked to (is a customer of). */
  linkedPartners: ReadonlySet<string>;
  /** A verified data-subject request for this subject is open. */
  verifiedRequest: boolean;
};

/** An active subject with no choices recorded: a convenient base for tests and seeds. */
export function activeSubject(customerId: string, residency: string): SubjectState {
  return {
    customerId,
    status: "active",
    residency,
    optOuts: new Map(),
    objections: new Map(),
    partnerOptIns: new Set(),
    linkedPartners: new Set(),
    verifiedRequest: false,
  };
}
