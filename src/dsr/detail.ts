import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import type { ProfileInput } from "../graphql/profile/ProfileInput.js";
import type { ProfileChanges } from "../graphql/profile/profileQueries.js";
import { validateProfileInput } from "../graphql/profile/validateProfileInput.js";
import type { Policy } from "../policy/policy.js";
import { isPurpose, type Purpose } from "../policy/purposes.js";
import type { RestrictionGround, SubjectRequestKind } from "./transitions.js";

/** What a caller may give when filing, by kind. */
export interface DetailInput {
  purposes?: readonly Purpose[] | null;
  corrections?: ProfileInput | null;
  grounds?: RestrictionGround | null;
}

/**
 * The `detail` stored with a request. Only a rectification carries values (the corrections), and
 * only while it is open: completing, rejecting or erasing drops them (`scrubDetail`). A completed
 * erasure or rectification keeps its `outcome` here (src/dsr/requestOutcome.ts: no value).
 */
export type StoredDetail = Record<string, unknown>;

const bad = (message: string) => new GatewayError(ErrorCode.BAD_USER_INPUT, message);

/** Checks a filing's detail against its kind and returns what is stored. Never echoes a value. */
export function validateDetail(policy: Policy, kind: SubjectRequestKind, input: DetailInput | null | undefined): StoredDetail {
  const given = input ?? {};
  const has = (key: keyof DetailInput) => given[key] !== undefined && given[key] !== null;
  const onlyAllowed = (allowed: (keyof DetailInput)[]) => {
    const extra = (["purposes", "corrections", "grounds"] as const).filter((k) => has(k) && !allowed.includes(k));
    if (extra.length > 0) throw bad(`A ${kind} request takes no ${extra.join(", ")}.`);
  };
  switch (kind) {
    case "objection": {
      onlyAllowed(["purposes"]);
      const purposes = [...new Set(given.purposes ?? [])];
      if (purposes.length === 0) throw bad("An objection names at least one purpose.");
      const refused = purposes.filter((p) => !isPurpose(p) || !policy.purposes[p].honoursObjection);
      if (refused.length > 0)
        throw bad(`These purposes do not rest on consent or legitimate interest that an objection stops: ${refused.join(", ")}.`);
      return { purposes: purposes.sort() };
    }
    case "rectification": {
      onlyAllowed(["corrections"]);
      if (!given.corrections) throw bad("A rectification gives the corrected values in `corrections`.");
      const changes = validateProfileInput(given.corrections);
      const fields = Object.keys(given.corrections)
        .filter((k) => (given.corrections as Record<string, unknown>)[k] !== undefined)
        .sort();
      return { fields, corrections: changes };
    }
    case "restriction":
      onlyAllowed(["grounds"]);
      return given.grounds ? { grounds: given.grounds } : {};
    case "access":
    case "portability":
    case "erasure":
      onlyAllowed([]);
      return {};
  }
}

/** The purposes an objection names (as stored; those still in force: objectionLifts.ts). */
export function objectedPurposes(detail: StoredDetail): Purpose[] {
  return Array.isArray(detail.purposes) ? detail.purposes.filter(isPurpose) : [];
}

/** The profile fields a rectification corrects (names, never values). */
export function correctedFields(detail: StoredDetail): string[] {
  return Array.isArray(detail.fields) ? detail.fields.filter((f): f is string => typeof f === "string") : [];
}

/** The column changes of a rectification, as validated when it was filed. */
export function correctionsOf(detail: StoredDetail): ProfileChanges | null {
  const c = detail.corrections;
  return c !== null && typeof c === "object" && !Array.isArray(c) ? (c as ProfileChanges) : null;
}

/** The detail without any value: what stays once a request is closed. */
export function scrubDetail(detail: StoredDetail): StoredDetail {
  const { corrections: _dropped, ...rest } = detail;
  return rest;
}
