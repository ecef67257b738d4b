import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, ID, Info, Mutation, Query, Resolver } from "type-graphql";
import { generateApiKey } from "../../db/apiKeys.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { admittedAs } from "../../enforcement/rootFieldAudience.js";
import type { GatewayContext } from "../context.js";
import { isUuid } from "../customer/cursor.js";
import {
  changeWithEvent,
  grantById,
  insertApiKey,
  insertGrant,
  insertPartner,
  listPartners,
  partnerAdminEventsOf,
  partnerExists,
  revokeApiKeyRow,
  revokeGrantRow,
  revokePersistedOperationRow,
  setPersistedOperationsOnly,
  toPartnerGrant,
  toPersistedOperation,
  upsertPersistedOperation,
} from "./partnerQueries.js";
import {
  CreateGrantInput,
  CreatePartnerInput,
  IssuedApiKey,
  MyGrant,
  Partner,
  PartnerAdminEvent,
  PartnerApiKey,
  PartnerGrant,
  PersistedOperation,
  RegisterPersistedOperationInput,
} from "./PartnerTypes.js";
import { validateCreateGrant, validateCreatePartner, validatePersistedOperation } from "./validatePartnerInput.js";

const KEY_ID = /^[a-z0-9]{12}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The officer's staff id, the actor of the changes' events. Partners are administered by the
 * privacy office alone (ROOT_FIELD_AUDIENCE); these operations read no personal data.
 */
const officerId = (ctx: GatewayContext): string => admittedAs(ctx.caller, "staff").staffId;

/** A revocation that found the row already revoked changed nothing: its event says so. */
const revocationNote = (revokedAt: Date | null, now: Date) =>
  revokedAt !== null && revokedAt.getTime() !== now.getTime() ? "ALREADY_REVOKED" : null;

const unknownPartner = () =>
  new GatewayError(ErrorCode.BAD_USER_INPUT, "Invalid partnerId: no partner has this id.", {
    invalid: [{ field: "partnerId", expected: "the id of an existing partner" }],
  });

/** An id or hash as stored: trimmed, lower case. */
const normalised = (value: string) => value.trim().toLowerCase();

/** The partner id as stored when such a partner exists, else BAD_USER_INPUT. */
async function existingPartnerId(ctx: GatewayContext, partnerId: string): Promise<string> {
  const id = normalised(partnerId);
  if (!isUuid(id) || !(await partnerExists(ctx.db, id))) throw unknownPartner();
  return id;
}

@Resolver()
export class PartnerResolver {
  @Query(() => [Partner], { description: "Every partner with its keys (never the key or its hash) and grants. Privacy office only." })
  async partners(@Ctx() ctx: GatewayContext): Promise<Partner[]> {
    return listPartners(ctx.db, new Date());
  }

  @Query(() => MyGrant, { description: "For a partner: the grant in force for this API key, what it allows and its rate limit." })
  async myGrant(@Ctx() ctx: GatewayContext): Promise<MyGrant> {
    const caller = admittedAs(ctx.caller, "partner");
    const row = await grantById(ctx.db, caller.grant.id);
    // Revoked since this request authenticated: answered as authentication would answer it now.
    if (!row || row.revokedAt !== null) throw new GatewayError(ErrorCode.GRANT_REVOKED, "This partner's grant was revoked.");
    const { grant } = caller;
    return {
      partnerId: caller.partnerId,
      partnerKind: caller.partnerKind,
      partnerRegion: caller.partnerRegion,
      keyId: caller.keyId,
      grantId: grant.id,
      purposes: [...grant.purposes],
      categories: [...grant.categories],
      subjectScope: grant.subjectScope,
      regions: [...grant.regions],
      transferBasis: grant.transferBasis,
      validFrom: grant.validFrom,
      validUntil: grant.validUntil,
      requestsPerMinute: row.requestsPerMinute,
    };
  }

  @Query(() => [PartnerAdminEvent], {
    description:
      "What the privacy office changed in a partner's access (keys, grants, allowed operations), oldest first. Privacy office only.",
  })
  async partnerAdministration(@Arg("partnerId", () => ID) partnerId: string, @Ctx() ctx: GatewayContext): Promise<PartnerAdminEvent[]> {
    return partnerAdminEventsOf(ctx.db, await existingPartnerId(ctx, partnerId));
  }

  @Mutation(() => Partner, { description: "Registers a partner (privacy office only). Then issue it a key and a grant." })
  async createPartner(@Arg("input", () => CreatePartnerInput) input: CreatePartnerInput, @Ctx() ctx: GatewayContext): Promise<Partner> {
    const actorId = officerId(ctx);
    const partner = validateCreatePartner(input);
    const created = await changeWithEvent(
      ctx.db,
      (tx) => insertPartner(tx, partner),
      (row) => ({ partnerId: row.id, action: "partner_created", target: null, actorId }),
    );
    return created!;
  }

  @Mutation(() => IssuedApiKey, {
    description:
      "Issues a new API key to a partner (privacy office only). The full key is returned this once; only a hash of its secret is kept. A partner may hold several keys, for rotation.",
  })
  async issueApiKey(@Arg("partnerId", () => ID) partnerId: string, @Ctx() ctx: GatewayContext): Promise<IssuedApiKey> {
    const actorId = officerId(ctx);
    const id = await existingPartnerId(ctx, partnerId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const key = generateApiKey();
      const row = await changeWithEvent(
        ctx.db,
        (tx) => insertApiKey(tx, id, key),
        (inserted) => ({ partnerId: id, action: "api_key_issued", target: inserted.id, actorId }),
      );
      if (row) return { apiKey: key.key, key: row };
    }
    throw new Error("could not draw an unused API key id");
  }

  @Mutation(() => PartnerApiKey, { description: "Revokes an API key at once (privacy office only). Idempotent." })
  async revokeApiKey(@Arg("keyId", () => ID) keyId: string, @Ctx() ctx: GatewayContext): Promise<PartnerApiKey> {
    const actorId = officerId(ctx);
    const now = new Date();
    const row = !KEY_ID.test(keyId)
      ? null
      : await changeWithEvent(
          ctx.db,
          (tx) => revokeApiKeyRow(tx, keyId, now),
          (revoked) => ({
            partnerId: revoked.partnerId,
            action: "api_key_revoked",
            target: revoked.id,
            actorId,
            note: revocationNote(revoked.revokedAt, now),
          }),
        );
    if (!row) throw new GatewayError(ErrorCode.NOT_FOUND, "No API key has this id.");
    return row;
  }

  @Mutation(() => PartnerGrant, {
    description: "Gives a partner a grant (privacy office only). It can only narrow the policy; the newest grant in force applies.",
  })
  async createGrant(@Arg("input", () => CreateGrantInput) input: CreateGrantInput, @Ctx() ctx: GatewayContext): Promise<PartnerGrant> {
    const actorId = officerId(ctx);
    const now = new Date();
    const grant = validateCreateGrant(input, now);
    if (!(await partnerExists(ctx.db, grant.partnerId))) throw unknownPartner();
    const row = await changeWithEvent(
      ctx.db,
      (tx) => insertGrant(tx, grant),
      (inserted) => ({ partnerId: inserted.partnerId, action: "grant_created", target: inserted.id, actorId }),
    );
    return toPartnerGrant(row!, now);
  }

  @Mutation(() => PersistedOperation, {
    description:
      "Registers an operation for a partner (privacy office only) and returns its hash. Idempotent; a revoked operation is reinstated. Requests never register operations.",
  })
  async registerPersistedOperation(
    @Arg("input", () => RegisterPersistedOperationInput) input: RegisterPersistedOperationInput,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PersistedOperation> {
    const actorId = officerId(ctx);
    const operation = validatePersistedOperation(input, info.schema);
    if (!(await partnerExists(ctx.db, operation.partnerId))) throw unknownPartner();
    const row = await changeWithEvent(
      ctx.db,
      (tx) => upsertPersistedOperation(tx, operation),
      (registered) => ({ partnerId: registered.partnerId, action: "persisted_operation_registered", target: registered.sha256, actorId }),
    );
    return toPersistedOperation(row!);
  }

  @Mutation(() => PersistedOperation, { description: "Revokes a partner's persisted operation at once (privacy office only). Idempotent." })
  async revokePersistedOperation(
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("sha256Hash", () => String) sha256Hash: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<PersistedOperation> {
    const actorId = officerId(ctx);
    const id = normalised(partnerId);
    const hash = normalised(sha256Hash);
    const now = new Date();
    const row = !(isUuid(id) && SHA256.test(hash))
      ? null
      : await changeWithEvent(
          ctx.db,
          (tx) => revokePersistedOperationRow(tx, id, hash, now),
          (revoked) => ({
            partnerId: id,
            action: "persisted_operation_revoked",
            target: hash,
            actorId,
            note: revocationNote(revoked.revokedAt, now),
          }),
        );
    if (!row) throw new GatewayError(ErrorCode.NOT_FOUND, "No operation is registered under this hash for this partner.");
    return toPersistedOperation(row);
  }

  @Mutation(() => Partner, {
    description:
      "Holds a partner to its allowlist of persisted operations (enabled: true), or releases it (privacy office only). Takes effect on the next request.",
  })
  async setPersistedOperationsOnly(
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("enabled", () => Boolean) enabled: boolean,
    @Ctx() ctx: GatewayContext,
  ): Promise<Partner> {
    const actorId = officerId(ctx);
    const id = normalised(partnerId);
    const found =
      isUuid(id) &&
      (await changeWithEvent(
        ctx.db,
        (tx) => setPersistedOperationsOnly(tx, id, enabled),
        () => ({ partnerId: id, action: "persisted_operations_only_set", target: null, actorId, note: enabled ? "ENABLED" : "DISABLED" }),
      ));
    if (!found) throw unknownPartner();
    const [partner] = await listPartners(ctx.db, new Date(), id);
    return partner!;
  }

  @Mutation(() => PartnerGrant, { description: "Revokes a grant at once (privacy office only). Idempotent." })
  async revokeGrant(@Arg("grantId", () => ID) grantId: string, @Ctx() ctx: GatewayContext): Promise<PartnerGrant> {
    const actorId = officerId(ctx);
    const now = new Date();
    const row = !isUuid(grantId)
      ? null
      : await changeWithEvent(
          ctx.db,
          (tx) => revokeGrantRow(tx, grantId, now),
          (revoked) => ({
            partnerId: revoked.partnerId,
            action: "grant_revoked",
            target: revoked.id,
            actorId,
            note: revocationNote(revoked.revokedAt, now),
          }),
        );
    if (!row) throw new GatewayError(ErrorCode.NOT_FOUND, "No grant has this id.");
    return toPartnerGrant(row, now);
  }
}
