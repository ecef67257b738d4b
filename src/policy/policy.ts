import type { PartnerKind } from "./caller.js";
import type { Effect } from "./matrix.js";
import type { Purpose, PurposeDefinition } from "./purposes.js";
import type { RetentionPeriod, RetentionRule } from "./retention.js";
import type { Role } from "./roles.js";

/** What a partner kind's reads always need, whatever the grant says. */
export type PartnerKindRule = {
  /** Every read needs the subject's opt-in to sharing with that partner. */
  readonly requiresOptIn: boolean;
};

/** A data category in use: what it covers, and for a custom one (beyond fideslang's taxonomy) its parent. */
export type CategoryDefinition = { readonly description: string; readonly parent: string | null };

/** The most each purpose may get for one category. */
export type MatrixRow = Readonly<Record<Purpose, Effect>>;

/**
 * The privacy policy as data: everything a decision reads, loaded from the policy file
 * (policy/default.policy.yaml ships) by `loadPolicy`, which checks that the names agree. Plain,
 * immutable: a request keeps the one it started with while a reload installs another.
 */
export type Policy = {
  /** What records carry: the file's version and the first 12 hex digits of its content hash, `2026-11-01+3fa9c2d1e0ab`. */
  readonly version: string;
  /** The file's own `version` field. */
  readonly fileVersion: string;
  /** SHA-256 of the file's bytes, hex. */
  readonly hash: string;
  /** The Fides category keys in use. */
  readonly categories: ReadonlyMap<string, CategoryDefinition>;
  readonly purposes: Readonly<Record<Purpose, PurposeDefinition>>;
  /** The purposes each role may declare. A partner's grant replaces this table. */
  readonly roles: Readonly<Record<Role, readonly Purpose[]>>;
  readonly partnerKinds: Readonly<Record<PartnerKind, PartnerKindRule>>;
  /** The categories (or parents) that have a matrix row of their own, with that row. */
  readonly matrix: ReadonlyMap<string, MatrixRow>;
  /** The retention schedule, by category or parent key, in the file's order. */
  readonly retention: ReadonlyMap<string, RetentionRule>;
  readonly disclosureLogRetention: { readonly period: RetentionPeriod; readonly rationale: string };
};
