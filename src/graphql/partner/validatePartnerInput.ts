import { Kind, validate, type GraphQLSchema } from "graphql";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { messageWithoutInput } from "../../errors/messageWithoutInput.js";
import { normaliseOperation, type NormalisedOperation } from "../../server/persistedOperations/normaliseOperation.js";
import { CATEGORIES, matchesPrefix } from "../../policy/categories.js";
import { isPurpose, type Purpose } from "../../policy/purposes.js";
import type { CreateGrantInput, CreatePartnerInput, RegisterPersistedOperationInput, SubjectScope } from "./PartnerTypes.js";
import type { PartnerKind } from "../../policy/caller.js";

/** The most a grant may allow per key; more is a typo, not a contract. */
export const MAX_REQUESTS_PER_MINUTE = 100_000;

const TEXT = /^[^\p{Cc}]+$/u;
const REGION = /^[A-Z]{2,3}$/;
const REGION_HINT = "a region code of 2 or 3 capital letters, such as EU, UK or US";

type Invalid = { field: string; expected: string };

function fail(what: string, invalid: Invalid[]): never {
  throw new GatewayError(ErrorCode.BAD_USER_INPUT, `Invalid ${what}: ${invalid.map((i) => i.field).join(", ")}.`, { invalid });
}

function text(invalid: Invalid[], field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max || !TEXT.test(trimmed))
    invalid.push({ field, expected: `1 to ${max} characters, no control characters` });
  return trimmed;
}

export interface NewPartner {
  name: string;
  kind: PartnerKind;
  region: string;
  contractRef: string;
}

export function validateCreatePartner(input: CreatePartnerInput): NewPartner {
  const invalid: Invalid[] = [];
  const name = text(invalid, "name", input.name, 200);
  const contractRef = text(invalid, "contractRef", input.contractRef, 100);
  const region = input.region.trim();
  if (!REGION.test(region)) invalid.push({ field: "region", expected: REGION_HINT });
  if (invalid.length > 0) fail("partner input", invalid);
  return { name, kind: input.kind, region, contractRef };
}

/** The prefixes that cover no known category (a typo such as `user.contacts` would grant nothing). */
export function unknownCategoryPrefixes(prefixes: readonly string[]): string[] {
  return prefixes.filter((p) => !CATEGORIES.some((c) => matchesPrefix(c, p)));
}

export interface NewGrant {
  partnerId: string;
  purposes: Purpose[];
  categories: string[];
  subjectScope: SubjectScope;
  regions: string[];
  transferBasis: string | null;
  validFrom: Date;
  validUntil: Date;
  requestsPerMinute: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Checks a grant as a whole (every problem is reported, nothing is written on any) and
 * normalises it: lists trimmed and deduplicated, a blank transfer basis refused rather than
 * stored (a blank basis permits no transfer, which would read as if it did).
 */
export function validateCreateGrant(input: CreateGrantInput, now: Date): NewGrant {
  const invalid: Invalid[] = [];
  const partnerId = input.partnerId.trim().toLowerCase();
  if (!UUID.test(partnerId)) invalid.push({ field: "partnerId", expected: "a partner id" });

  const purposes = [...new Set(input.purposes)];
  if (purposes.length === 0 || !purposes.every(isPurpose)) invalid.push({ field: "purposes", expected: "at least one purpose" });

  const categories = [...new Set(input.categories.map((c) => c.trim()))];
  if (categories.length === 0) {
    invalid.push({ field: "categories", expected: "at least one category prefix, such as user.contact" });
  } else {
    const unknown = unknownCategoryPrefixes(categories);
    if (unknown.length > 0) {
      // Named by position, not quoted: an error never repeats the caller's input.
      const positions = input.categories.flatMap((c, i) => (unknown.includes(c.trim()) ? [`categories[${i}]`] : []));
      invalid.push({
        field: "categories",
        expected: `category prefixes that cover at least one known category, such as user.contact; not: ${positions.join(", ")}`,
      });
    }
  }

  const regions = [...new Set(input.regions.map((r) => r.trim()))];
  if (regions.length === 0 || !regions.every((r) => REGION.test(r)))
    invalid.push({ field: "regions", expected: `at least one ${REGION_HINT}` });

  let transferBasis: string | null = null;
  if (input.transferBasis !== undefined && input.transferBasis !== null) {
    transferBasis = text(invalid, "transferBasis", input.transferBasis, 200);
  }

  const validFrom = input.validFrom;
  const validUntil = input.validUntil;
  if (!(validFrom instanceof Date) || Number.isNaN(validFrom.getTime())) invalid.push({ field: "validFrom", expected: "a date-time" });
  if (!(validUntil instanceof Date) || Number.isNaN(validUntil.getTime())) {
    invalid.push({ field: "validUntil", expected: "a date-time" });
  } else if (validUntil.getTime() <= validFrom.getTime()) {
    invalid.push({ field: "validUntil", expected: "a date-time after validFrom" });
  } else if (validUntil.getTime() <= now.getTime()) {
    invalid.push({ field: "validUntil", expected: "a date-time in the future (a grant that has already ended grants nothing)" });
  }

  const rpm = input.requestsPerMinute;
  if (!Number.isInteger(rpm) || rpm < 1 || rpm > MAX_REQUESTS_PER_MINUTE) {
    invalid.push({ field: "requestsPerMinute", expected: `an integer from 1 to ${MAX_REQUESTS_PER_MINUTE}` });
  }

  if (invalid.length > 0) fail("grant input", invalid);
  return {
    partnerId,
    purposes,
    categories,
    subjectScope: input.subjectScope,
    regions,
    transferBasis,
    validFrom,
    validUntil,
    requestsPerMinute: rpm,
  };
}

export interface NewPersistedOperation {
  partnerId: string;
  sha256: string;
  document: string;
  operationName: string | null;
}

/**
 * A document to register: it must parse, hold exactly one operation (fragments allowed) and be
 * valid against the schema, so that the allowlist holds only what can run. Stored normalised.
 */
export function validatePersistedOperation(input: RegisterPersistedOperationInput, schema: GraphQLSchema): NewPersistedOperation {
  const invalid: Invalid[] = [];
  const partnerId = input.partnerId.trim().toLowerCase();
  if (!UUID.test(partnerId)) invalid.push({ field: "partnerId", expected: "a partner id" });
  let normalised: NormalisedOperation | null = null;
  try {
    normalised = normaliseOperation(input.document);
  } catch (error) {
    invalid.push({
      field: "document",
      expected: `a GraphQL document (${error instanceof Error ? messageWithoutInput(error, schema) : "does not parse"})`,
    });
  }
  let operationName: string | null = null;
  if (normalised) {
    const operations = normalised.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1) {
      invalid.push({ field: "document", expected: `exactly one operation, with its fragments (found ${operations.length})` });
    } else {
      operationName = operations[0]!.name?.value ?? null;
      const errors = validate(schema, normalised.document);
      if (errors.length > 0) {
        invalid.push({
          field: "document",
          expected: `an operation valid against the schema: ${errors
            .slice(0, 5)
            .map((e) => messageWithoutInput(e, schema))
            .join(" ")}`,
        });
      }
    }
  }
  if (invalid.length > 0 || !normalised) fail("persisted operation", invalid);
  return { partnerId, sha256: normalised.sha256, document: normalised.text, operationName };
}
