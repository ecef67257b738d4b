import type { StateParts, SubjectState } from "../../src/policy/index.js";

/** The state with every part that `parts` leaves out emptied: what a request that did not load those parts holds. */
export function prunedState(state: SubjectState, parts: StateParts): SubjectState {
  return {
    ...state,
    optOuts: parts.optOuts ? state.optOuts : new Map(),
    objections: parts.objections ? state.objections : new Map(),
    verifiedRequest: parts.verifiedRequest ? state.verifiedRequest : false,
    partnerOptIns: parts.partnerOptIns ? state.partnerOptIns : new Set(),
    linkedPartners: parts.partnerLinks ? state.linkedPartners : new Set(),
  };
}
