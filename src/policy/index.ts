export type { Policy, CategoryDefinition, PartnerKindRule, MatrixRow } from "./policy.js";
export { type PolicyError, type PolicyLoad, type LoadPolicyOptions, POLICY_SCHEMA, loadPolicy } from "./loadPolicy.js";
export { DEFAULT_POLICY, DEFAULT_POLICY_PATH } from "./defaultPolicy.js";
export { type PolicyCase, type CaseResult, type ParsedCases, parsePolicyCases, runPolicyCases } from "./policyCases.js";
export { type EffectChange, type RuleChange, type PolicyDiff, diffPolicies, formatPolicyDiff } from "./policyDiff.js";
export { assertNever } from "./assertNever.js";
export { CATEGORIES, type Category, isCategory, categoryLineage, matchesPrefix } from "./categories.js";
export {
  PURPOSES,
  type Purpose,
  type ConsentBasis,
  type PurposeDefinition,
  optOutPurposes,
  isPurpose,
} from "./purposes.js";
export { STAFF_ROLES, type StaffRole, ROLES, type Role, isStaffRole } from "./roles.js";
export {
  type Effect,
  EFFECT_ORDER,
  narrowest,
  isAtMost,
  type MatrixLetter,
  effectOfLetter,
  letterOfEffect,
  matrixRowKey,
  matrixCell,
} from "./matrix.js";
export { REASON_CODES, ReasonCode, type Reason, reasons, formatDay } from "./reasons.js";
export { type Grant, PARTNER_KINDS, type PartnerKind, type Caller, purposesFor, defaultPurpose, mayDeclare } from "./caller.js";
export { type SubjectState, activeSubject } from "./subjectState.js";
export { type StateParts, ALL_STATE_PARTS, stateParts } from "./stateParts.js";
export { ceiling, callerDecision, grantedReason, hasTransferBasis } from "./ceiling.js";
export { type Decision, decide, decider } from "./decide.js";
export {
  MaskKind,
  MASK_KINDS,
  isMaskKind,
  DEFAULT_MASK,
  REDACTED,
  type MaskScalar,
  type MaskInput,
  applyMask,
  maskInitials,
  maskEmail,
  maskLastTwo,
  maskLastFour,
  maskFirstCharLength,
  redact,
  truncateIp,
  roundCoordinate,
  roundCoordinateText,
} from "./masks.js";
export { PSEUDONYM_PREFIX, pseudonymize } from "./pseudonymize.js";
export {
  type IdentifierScope,
  pseudonymisingPurposes,
  pseudonymisesIdentifiers,
  identifierScope,
  partnerIdentifierScope,
} from "./identifierScope.js";
export { PURPOSE_ABBREVIATIONS, formatMatrixTable, formatRolesTable, formatPolicyTable } from "./policyTable.js";
