import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, ID, Info, Mutation, Query, Resolver } from "type-graphql";
import { generateApiKey } from "../../db/apiKeys.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import type { GatewayContext } from "../context.js";
import { isUuid } from "../customer/cursor.js";
import {
  grantById, insertApiKey, insertGrant, insertPartner, listPartners, partnerExists, revokeApiKeyRow, revokeGrantRow,
  revokePersistedOperationRow, setPersistedOperationsOnly, toPartnerGrant, toPersistedOperation, upsertPersistedOperation,
} from "./partnerQueries.js";
import {
  CreateGrantInput, CreatePartnerInput, IssuedApiKey, MyGrant, Partner, PartnerApiKey, PartnerGrant, PersistedOperation,
  RegisterPersistedOperationInput,
} from "./PartnerTypes.js";
import { validateCreateGrant, validateCreatePartner, validatePersistedOperation } from "./validatePartnerInput.js";

const KEY_ID = /^[a-z0-9]{12}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Partners are administered by the privacy office alone; these operations read no personal data. */
function requirePrivacyOfficer(ctx: GatewayContext): void {
  if (ctx.caller.kind !== "staff" || ctx.caller.role !== "privacy_officer") {
    throw new GatewayError(ErrorCode.FORBIDDEN, "Only the privacy office (role privacy_officer) administers partners.");
  }
}

const unknownPartner = () => new GatewayError(ErrorCode.BAD_USER_INPUT, "Invalid partnerId: no partner has this id.", {
  invalid: [{ field: "partnerId", expected: "the id of an existing partner" }],
});

@Resolver()
export class PartnerResolver {
  @Query(() => [Partner], { description: "Every partner with its keys (never the key or its hash) and grants. Privacy office only." })
  async partners(@Ctx() ctx: GatewayContext): Promise<Partner[]> {
    requirePrivacyOfficer(ctx);
    return listPartners(ctx.db, new Date());
  }

  @Query(() => MyGrant, { description: "For a partner: the grant in force for this API key, what it allows and its rate limit." })
  async myGrant(@Ctx() ctx: GatewayContext): Promise<MyGrant> {
    const caller = ctx.caller;
    if (caller.kind !== "partner") throw new GatewayError(ErrorCode.FORBIDDEN, "`myGrant` is only for a partner calling with its API key.");
    const row = await grantById(ctx.db, caller.grant.id);
    if (!row) throw new GatewayError(ErrorCode.GRANT_EXPIRED, "This partner's grant is no longer in force.");
    const { grant } = caller;
    return {
      partnerId: caller.partnerId, partnerKind: caller.partnerKind, partnerRegion: caller.partnerRegion, keyId: caller.keyId,
      grantId: grant.id, purposes: [...grant.purposes], categories: [...grant.categories], subjectScope: grant.subjectScope,
      regions: [...grant.regions], transferBasis: grant.transferBasis, validFrom: grant.validFrom, validUntil: grant.validUntil,
      requestsPerMinute: row.requestsPerMinute,
    };
  }

  @Mutation(() => Partner, { description: "Registers a partner (privacy office only). Then issue it a key and a grant." })
  async createPartner(@Arg("input", () => CreatePartnerInput) input: CreatePartnerInput, @Ctx() ctx: GatewayContext): Promise<Partner> {
    requirePrivacyOfficer(ctx);
    return insertPartner(ctx.db, validateCreatePartner(input));
  }

  @Mutation(() => IssuedApiKey, {
    description: "Issues a new API key to a partner (privacy office only). The full key is returned this once; only a hash of its secret is kept. A partner may hold several keys, for rotation.",
  })
  async issueApiKey(@Arg("partnerId", () => ID) partnerId: string, @Ctx() ctx: GatewayContext): Promise<IssuedApiKey> {
    requirePrivacyOfficer(ctx);
    const id = partnerId.trim().toLowerCase();
    if (!isUuid(id) || !(await partnerExists(ctx.db, id))) throw unknownPartner();
    for (let attempt = 0; attempt < 3; attempt++) {
      const key = generateApiKey();
      const row = await insertApiKey(ctx.db, id, key);
      if (row) return { apiKey: key.key, key: row };
    }
    throw new Error("could not draw an unused API key id");
  }

  @Mutation(() => PartnerApiKey, { description: "Revokes an API key at once (privacy office only). Idempotent." })
  async revokeApiKey(@Arg("keyId", () => ID) keyId: string, @Ctx() ctx: GatewayContext): Promise<PartnerApiKey> {
    requirePrivacyOfficer(ctx);
    const row = KEY_ID.test(keyId) ? await revokeApiKeyRow(ctx.db, keyId, new Date()) : null;
    if (!row) throw new GatewayError(ErrorCode.NOT_FOUND, "No API key has this id.");
    return row;
  }

  @Mutation(() => PartnerGrant, {
    description: "Gives a partner a grant (privacy office only). It can only narrow the policy; the newest grant in force applies.",
  })
  async createGrant(@Arg("input", () => CreateGrantInput) input: CreateGrantInput, @Ctx() ctx: GatewayContext): Promise<PartnerGrant> {
    requirePrivacyOfficer(ctx);
    const now = new Date();
    const grant = validateCreateGrant(input, now);
    if (!(await partnerExists(ctx.db, grant.partnerId))) throw unknownPartner();
    return toPartnerGrant(await insertGrant(ctx.db, grant), now);
  }

  @Mutation(() => PersistedOperation, {
    description: "Registers an operation for a partner (privacy office only) and returns its hash. Idempotent; a revoked operation is reinstated. Requests never register operations.",
  })
  async registerPersistedOperation(
    @Arg("input", () => RegisterPersistedOperationInput) input: RegisterPersistedOperationInput,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PersistedOperation> {
    requirePrivacyOfficer(ctx);
    const operation = validatePersistedOperation(input, info.schema);
    if (!(await partnerExists(ctx.db, operation.partnerId))) throw unknownPartner();
    return toPersistedOperation(await upsertPersistedOperation(ctx.db, operation));
  }

  @Mutation(() => PersistedOperation, { description: "Revokes a partner's persisted operation at once (privacy office only). Idempotent." })
  async revokePersistedOperation(
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("sha256Hash", () => String) sha256Hash: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<PersistedOperation> {
    requirePrivacyOfficer(ctx);
    const id = partnerId.trim().toLowerCase();
    const hash = sha256Hash.trim().toLowerCase();
    const row = isUuid(id) && SHA256.test(hash) ? await revokePersistedOperationRow(ctx.db, id, hash, new Date()) : null;
    if (!row) throw new GatewayError(ErrorCode.NOT_FOUND, "No operation is registered under this hash for this partner.");
    return toPersistedOperation(row);
  }

  @Mutation(() => Partner, {
    description: "Holds a partner to its allowlist of persisted operations (enabled: true), or releases it (privacy office only). Takes effect on the next request.",
  })
  async setPersistedOperationsOnly(
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("enabled", () => Boolean) enabled: boolean,
    @Ctx() ctx: GatewayContext,
  ): Promise<Partner> {
    requirePrivacyOfficer(ctx);
    const id = partnerId.trim().toLowerCase();
    if (!isUuid(id) || !(await setPersistedOperationsOnly(ctx.db, id, enabled))) throw unknownPartner();
    const [partner] = await listPartners(ctx.db, new Date(), id);
    return partner!;
  }

  @Mutation(() => PartnerGrant, { description: "Revokes a grant at once (privacy office only). Idempotent." })
  async revokeGrant(@Arg("grantId", () => ID) grantId: string, @Ctx() ctx: GatewayContext): Promise<PartnerGrant> {
    requirePrivacyOfficer(ctx);
    const now = new Date();
    const row = isUuid(grantId) ? await revokeGrantRow(ctx.db, grantId, now) : null;
    if (!row) throw new GatewayError(ErrorCode.NOT_FOUND, "No grant has this id.");
    return toPartnerGrant(row, now);
  }
}
