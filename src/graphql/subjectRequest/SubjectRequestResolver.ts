import DataLoader from "dataloader";
import { eq } from "drizzle-orm";
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { customers, type SubjectRequestRow } from "../../db/schema/index.js";
import {
  buildSubjectReport,
  MAX_REPORT_PAGE_ROWS,
  portableDocument,
  REPORT_PAGE_ROWS,
  valueAsText,
  type ReportPageRequest,
} from "../../dsr/accessReport.js";
import { objectedPurposes } from "../../db/subjectState/objectionLifts.js";
import { correctedFields, validateDetail, type StoredDetail } from "../../dsr/detail.js";
import { requestOutcomeOf } from "../../dsr/requestOutcome.js";
import { executeRequest, reclaimAfterCompletion, type Execution } from "../../dsr/executeRequest.js";
import {
  CLAIM_COORDINATES,
  checkPassed,
  compareClaims,
  IDENTITY_CHECK_WINDOW_DAYS,
  IDENTITY_CLAIMS,
  identityCheckNote,
  identityOnFile,
  isIdentityCheckNote,
  MAX_IDENTITY_CHECKS,
  MAX_SUBJECT_IDENTITY_CHECKS,
  normaliseClaims,
  resultsOfNote,
  subjectChecksInWindow,
} from "../../dsr/identityCheck.js";
import { deliveredNote, isDelivered, readableUntil, REPORT_READABLE_DAYS, type ReportReader } from "../../dsr/reportDelivery.js";
import {
  appendEvent,
  eventsOf,
  findRequests,
  insertRequest,
  moveRequest,
  requestById,
  type Actor,
  type SubjectRequestEventRow,
} from "../../dsr/requestStore.js";
import {
  isOpen,
  isPrivacyOfficer,
  KINDS_FOR_ERASED,
  REPORT_KINDS,
  RESTRICTION_GROUNDS,
  transition,
  type RejectionReason,
  type RestrictionGround,
  type SubjectRequestAction,
  type SubjectRequestKind,
  type SubjectRequestState,
} from "../../dsr/transitions.js";
import { callerIdentity } from "../../enforcement/disclosureRecords.js";
import { admittedAs } from "../../enforcement/rootFieldAudience.js";
import type { RequestEnforcement } from "../../enforcement/createRequestEnforcement.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { purposeName } from "../../policy/purposeName.js";
import { requireActiveCustomer } from "../common/requireCustomer.js";
import type { GatewayContext } from "../context.js";
import type { CustomerStatus } from "../customer/Customer.js";
import { isUuid } from "../customer/cursor.js";
import { selectedFields } from "../common/selectedFields.js";
import { AccessReport } from "./AccessReport.js";
import { IdentityCheck, IdentityClaimsInput } from "./IdentityCheck.js";
import { partnerNameLoader } from "./partnerNameLoader.js";
import {
  RejectionReasonEnum,
  SubjectRequest,
  SubjectRequestDetailInput,
  SubjectRequestEvent,
  SubjectRequestKindEnum,
  SubjectRequestStateEnum,
} from "./SubjectRequest.js";
import { SubjectRequestOutcome } from "./SubjectRequestOutcome.js";

const MAX_LIST = 500;

const notFound = () => new GatewayError(ErrorCode.NOT_FOUND, "No subject request with this id is visible to you.");

/** The request as the API shows it: names of corrected fields, never their values. */
function toSubjectRequest(row: SubjectRequestRow, now = new Date()): SubjectRequest {
  const state = row.state as SubjectRequestState;
  const grounds =
    typeof row.detail.grounds === "string" && (RESTRICTION_GROUNDS as readonly string[]).includes(row.detail.grounds)
      ? (row.detail.grounds as RestrictionGround)
      : null;
  return {
    id: row.id,
    subjectId: row.customerId,
    kind: row.kind as SubjectRequestKind,
    state,
    receivedAt: row.receivedAt,
    dueAt: row.dueAt,
    verifiedAt: row.verifiedAt,
    closedAt: row.closedAt,
    overdue: isOpen(state) && row.dueAt.getTime() < now.getTime(),
    objectedPurposes: objectedPurposes(row.detail),
    correctedFields: correctedFields(row.detail),
    grounds,
    storedOutcome: requestOutcomeOf(row.detail),
    reportReadableUntil:
      state === "completed" && row.closedAt && REPORT_KINDS.includes(row.kind as SubjectRequestKind) ? readableUntil(row.closedAt) : null,
  };
}

function actorOf(ctx: GatewayContext): Actor {
  const who = callerIdentity(ctx.caller);
  return { kind: who.callerKind, id: who.callerId };
}

/** Acting on a request (and reading its report) happens under the purpose subject_request. */
function requireSubjectRequestPurpose(ctx: GatewayContext): void {
  if (ctx.enforcement.purpose !== "subject_request") {
    throw new GatewayError(
      ErrorCode.PURPOSE_NOT_ALLOWED,
      `Acting on a data-subject request is done under the purpose ${purposeName("subject_request")}.`,
      {
        allowedPurposes: [purposeName("subject_request")],
      },
    );
  }
}

/** Per-request loader of request events (keyed on the request's enforcement object, which lives as long as the request). */
const eventLoaders = new WeakMap<RequestEnforcement, DataLoader<string, SubjectRequestEventRow[]>>();
function eventLoader(ctx: GatewayContext) {
  let loader = eventLoaders.get(ctx.enforcement);
  if (!loader) {
    loader = new DataLoader(
      async (ids: readonly string[]) => {
        const groups = new Map<string, SubjectRequestEventRow[]>(ids.map((id) => [id, []]));
        for (const e of await eventsOf(ctx.db, ids)) groups.get(e.requestId)?.push(e);
        return ids.map((id) => groups.get(id) ?? []);
      },
      { maxBatchSize: 1000 },
    );
    eventLoaders.set(ctx.enforcement, loader);
  }
  return loader;
}

/**
 * What a verification rests on: the signed-in subject filed the request themself (AUTHENTICATED),
 * an identity check passed (CHECK_PASSED), or the subject is erased and nothing is held to check
 * against (SUBJECT_ERASED: verified out of band). Otherwise refused: IDENTITY_NOT_CHECKED.
 */
async function verificationBasis(tx: GatewayContext["db"], row: SubjectRequestRow): Promise<string> {
  const events = await eventsOf(tx, [row.id]);
  const filed = events.find((e) => e.fromState === null);
  if (filed?.actorKind === "customer" && filed.actorId === row.customerId) return "AUTHENTICATED";
  if (events.some((e) => isIdentityCheckNote(e.note) && checkPassed(resultsOfNote(e.note!)))) return "CHECK_PASSED";
  const [subject] = await tx.select({ status: customers.status }).from(customers).where(eq(customers.id, row.customerId));
  if (subject?.status === "erased") return "SUBJECT_ERASED";
  throw new GatewayError(
    ErrorCode.BAD_USER_INPUT,
    "The requester's identity has not been checked: run checkSubjectRequestIdentity until a check passes, or reject the request.",
    {
      reason: "IDENTITY_NOT_CHECKED",
    },
  );
}

/** Records that `reader` was served the report's last page, unless already recorded. */
async function recordDelivery(ctx: GatewayContext, row: SubjectRequestRow, reader: ReportReader): Promise<void> {
  if (isDelivered(await eventsOf(ctx.db, [row.id]), reader)) return;
  await appendEvent(ctx.db, row, { from: "verified", to: "verified", actor: actorOf(ctx), note: deliveredNote(reader), at: new Date() });
  eventLoader(ctx).clear(row.id);
}

/**
 * Files the request, or refuses it while the subject has an open request of the same kind (to
 * the subject themself or the privacy office, who both may see that one): DUPLICATE_REQUEST with
 * the open request's id.
 */
async function file(
  ctx: GatewayContext,
  input: { customerId: string; kind: SubjectRequestKind; detail: StoredDetail },
): Promise<SubjectRequest> {
  const filing = await insertRequest(ctx.db, { ...input, actor: actorOf(ctx) });
  if ("filed" in filing) return toSubjectRequest(filing.filed);
  throw new GatewayError(
    ErrorCode.BAD_USER_INPUT,
    `The subject already has an open ${input.kind} request; act on that one, or reject it, before filing another.`,
    {
      reason: "DUPLICATE_REQUEST",
      openRequestId: filing.openRequestId,
    },
  );
}

/** Tags this request's reads of the subject with the data-subject request, in the disclosure log. */
function tagDisclosures(ctx: GatewayContext, subjectId: string, requestId: string): void {
  ctx.enforcement.setSubjectRequest(subjectId, requestId);
}

@Resolver(() => SubjectRequest)
export class SubjectRequestResolver {
  @Mutation(() => SubjectRequest, {
    description:
      "File a data-subject request about oneself (customers only). Nothing is released or changed before the privacy office verifies it.",
  })
  async fileSubjectRequest(
    @Arg("kind", () => SubjectRequestKindEnum) kind: SubjectRequestKind,
    @Arg("detail", () => SubjectRequestDetailInput, { nullable: true }) detail: SubjectRequestDetailInput | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<SubjectRequest> {
    const stored = validateDetail(ctx.enforcement.policy, kind, detail);
    const customerId = await requireActiveCustomer(ctx);
    return file(ctx, { customerId, kind, detail: stored });
  }

  @Mutation(() => SubjectRequest, { description: "File a data-subject request on behalf of a subject (privacy office only)." })
  async fileSubjectRequestFor(
    @Arg("subjectId", () => ID) subjectId: string,
    @Arg("kind", () => SubjectRequestKindEnum) kind: SubjectRequestKind,
    @Arg("detail", () => SubjectRequestDetailInput, { nullable: true }) detail: SubjectRequestDetailInput | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<SubjectRequest> {
    const stored = validateDetail(ctx.enforcement.policy, kind, detail);
    if (!isUuid(subjectId)) throw new GatewayError(ErrorCode.NOT_FOUND, "No customer with this id.");
    const [subject] = await ctx.db.select({ status: customers.status }).from(customers).where(eq(customers.id, subjectId));
    if (!subject) throw new GatewayError(ErrorCode.NOT_FOUND, "No customer with this id.");
    if (subject.status === "erased" && !KINDS_FOR_ERASED.includes(kind)) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `The subject has been erased; only ${KINDS_FOR_ERASED.join(" or ")} requests can still be filed.`,
        { reason: "SUBJECT_ERASED" },
      );
    }
    return file(ctx, { customerId: subjectId, kind, detail: stored });
  }

  @Mutation(() => IdentityCheck, {
    description: `Check the identity claims a requester supplied against what is held about the subject of a received request: MATCH, NO_MATCH or NOT_ON_FILE per claim, never the held value (privacy office, purpose subject_request). Recorded as an IDENTITY_CHECK event of the request and as a disclosure of the fields compared; at most ${MAX_IDENTITY_CHECKS} checks per request.`,
  })
  async checkSubjectRequestIdentity(
    @Arg("id", () => ID) id: string,
    @Arg("claims", () => IdentityClaimsInput) claims: IdentityClaimsInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<IdentityCheck> {
    requireSubjectRequestPurpose(ctx);
    const normalised = normaliseClaims(claims);
    if (!isUuid(id)) throw notFound();
    const actor = actorOf(ctx);
    const check = await ctx.db.transaction(async (tx) => {
      const row = await requestById(tx, id, { forUpdate: true });
      if (!row) throw notFound();
      if (row.state !== "received") {
        throw new GatewayError(ErrorCode.BAD_USER_INPUT, `A ${row.state} request's identity is not checked; only a received one's is.`, {
          reason: "NOT_RECEIVED",
          state: row.state,
        });
      }
      const done = (await eventsOf(tx, [row.id])).filter((e) => isIdentityCheckNote(e.note)).length;
      if (done >= MAX_IDENTITY_CHECKS) {
        throw new GatewayError(
          ErrorCode.RATE_LIMITED,
          `This request has had its ${MAX_IDENTITY_CHECKS} identity checks; reject it (IDENTITY_NOT_VERIFIED), after which the requester may file again.`,
          {
            reason: "IDENTITY_CHECK_LIMIT",
            max: MAX_IDENTITY_CHECKS,
          },
        );
      }
      const at = new Date();
      if ((await subjectChecksInWindow(tx, row.customerId, at)) >= MAX_SUBJECT_IDENTITY_CHECKS) {
        throw new GatewayError(
          ErrorCode.RATE_LIMITED,
          `The subject has had ${MAX_SUBJECT_IDENTITY_CHECKS} identity checks in ${IDENTITY_CHECK_WINDOW_DAYS} days over their requests; verify the requester another way, or reject the request.`,
          {
            reason: "SUBJECT_IDENTITY_CHECK_LIMIT",
            max: MAX_SUBJECT_IDENTITY_CHECKS,
            windowDays: IDENTITY_CHECK_WINDOW_DAYS,
          },
        );
      }
      const results = compareClaims(normalised, await identityOnFile(tx, row.customerId));
      await appendEvent(tx, row, { from: "received", to: "received", actor, note: identityCheckNote(results), at });
      return { row, results, left: MAX_IDENTITY_CHECKS - done - 1, at };
    });
    tagDisclosures(ctx, check.row.customerId, check.row.id);
    for (const claim of IDENTITY_CLAIMS) {
      const field = ctx.enforcement.dataMap.fields.get(CLAIM_COORDINATES[claim]);
      if (!field) throw new Error(`identity check: ${CLAIM_COORDINATES[claim]} is not a personal field`);
      if (check.results[claim] !== undefined) ctx.enforcement.compared(check.row.customerId, field);
    }
    eventLoader(ctx).clear(id);
    const r = check.results;
    return {
      requestId: check.row.id,
      name: r.name ?? null,
      email: r.email ?? null,
      phone: r.phone ?? null,
      accountLastFour: r.accountLastFour ?? null,
      passed: checkPassed(r),
      checksLeft: check.left,
      checkedAt: check.at,
    };
  }

  @Mutation(() => SubjectRequest, {
    description:
      "Record that the requester's identity is verified (privacy office, purpose subject_request). Needs a passed identity check (checkSubjectRequestIdentity), unless the signed-in subject filed the request themself or the subject is erased (nothing held to check against).",
  })
  verifySubjectRequest(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<SubjectRequest> {
    return this.move(ctx, id, "verify", async (tx, row) => ({ note: `IDENTITY_VERIFIED:${await verificationBasis(tx, row)}` }));
  }

  @Mutation(() => SubjectRequest, {
    description: `Complete a verified request, executing it in one transaction: rectification applies the corrections, objection records opt-outs, restriction restricts, erasure erases; an access or portability request only once its report was delivered (its last page read by the subject or the office), after which the subject reads it for ${REPORT_READABLE_DAYS} more days (privacy office, purpose subject_request).`,
  })
  async completeSubjectRequest(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<SubjectRequest> {
    let executed: { row: SubjectRequestRow; execution: Execution } | undefined;
    const completed = await this.move(ctx, id, "complete", async (tx, row, now) => {
      if (REPORT_KINDS.includes(row.kind as SubjectRequestKind) && !isDelivered(await eventsOf(tx, [row.id]))) {
        throw new GatewayError(
          ErrorCode.BAD_USER_INPUT,
          `The ${row.kind} report has not been delivered: read it to its last page (or let the subject do so) before completing.`,
          {
            reason: "REPORT_NOT_DELIVERED",
          },
        );
      }
      const execution = await executeRequest(tx, row, { dataMap: ctx.enforcement.dataMap, now, policy: ctx.enforcement.policy });
      executed = { row, execution };
      return execution;
    });
    // After the commit (VACUUM cannot run inside a transaction), before the answer.
    if (executed)
      await reclaimAfterCompletion(ctx.db, executed.row, executed.execution, {
        actor: actorOf(ctx),
        logger: ctx.logger,
        requestId: ctx.requestId,
      });
    return completed;
  }

  @Mutation(() => SubjectRequest, {
    description: "Reject a received or verified request, with a reason code (privacy office, purpose subject_request).",
  })
  rejectSubjectRequest(
    @Arg("id", () => ID) id: string,
    @Arg("reason", () => RejectionReasonEnum) reason: RejectionReason,
    @Ctx() ctx: GatewayContext,
  ): Promise<SubjectRequest> {
    return this.move(ctx, id, "reject", (_tx, row) => {
      const { corrections: _values, ...detail } = row.detail;
      return { note: `REJECTED:${reason.toUpperCase()}`, detail };
    });
  }

  private async move(
    ctx: GatewayContext,
    id: string,
    action: SubjectRequestAction,
    effect: (
      tx: GatewayContext["db"],
      row: SubjectRequestRow,
      now: Date,
    ) => Promise<{ note: string; detail?: Record<string, unknown> }> | { note: string; detail?: Record<string, unknown> },
  ): Promise<SubjectRequest> {
    requireSubjectRequestPurpose(ctx);
    if (!isUuid(id)) throw notFound();
    const actor = actorOf(ctx);
    const updated = await ctx.db.transaction(async (tx) => {
      const row = await requestById(tx, id, { forUpdate: true });
      if (!row) throw notFound();
      const kind = row.kind as SubjectRequestKind;
      const t = transition(kind, row.state as SubjectRequestState, action);
      if (!t.ok) {
        throw new GatewayError(ErrorCode.BAD_USER_INPUT, t.message, { reason: t.code, from: t.from, action: t.action });
      }
      const now = new Date();
      const done = await effect(tx, row, now);
      return moveRequest(tx, row, { to: t.to, actor, note: done.note, detail: done.detail, now });
    });
    eventLoader(ctx).clear(id);
    return toSubjectRequest(updated);
  }

  @Query(() => [SubjectRequest], { description: "The signed-in customer's own requests, newest first." })
  async mySubjectRequests(@Ctx() ctx: GatewayContext): Promise<SubjectRequest[]> {
    return (await findRequests(ctx.db, { customerId: admittedAs(ctx.caller, "customer").customerId }, MAX_LIST)).map((r) =>
      toSubjectRequest(r),
    );
  }

  @Query(() => [SubjectRequest], { description: "Requests by state, kind and subject, newest first (privacy office)." })
  async subjectRequests(
    @Ctx() ctx: GatewayContext,
    @Arg("state", () => SubjectRequestStateEnum, { nullable: true }) state: SubjectRequestState | null,
    @Arg("kind", () => SubjectRequestKindEnum, { nullable: true }) kind: SubjectRequestKind | null,
    @Arg("customerId", () => ID, { nullable: true }) customerId: string | null,
    @Arg("first", () => Int, { defaultValue: 100 }) first: number,
  ): Promise<SubjectRequest[]> {
    if (first < 1 || first > MAX_LIST) throw new GatewayError(ErrorCode.BAD_USER_INPUT, `\`first\` must be from 1 to ${MAX_LIST}.`);
    // An argument left out arrives as undefined, not null.
    if (customerId !== null && customerId !== undefined && !isUuid(customerId)) return [];
    return (await findRequests(ctx.db, { state: state ?? null, kind: kind ?? null, customerId: customerId ?? null }, first)).map((r) =>
      toSubjectRequest(r),
    );
  }

  @Query(() => SubjectRequest, { description: "One request with its events: the privacy office, or the customer it is about." })
  async subjectRequest(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<SubjectRequest> {
    const officer = isPrivacyOfficer(ctx.caller);
    if (!isUuid(id)) throw notFound();
    const row = await requestById(ctx.db, id);
    if (!row || (!officer && (ctx.caller.kind !== "customer" || row.customerId !== ctx.caller.customerId))) throw notFound();
    return toSubjectRequest(row);
  }

  @FieldResolver(() => [SubjectRequestEvent], { description: "Every step, oldest first." })
  async events(@Root() request: SubjectRequest, @Ctx() ctx: GatewayContext): Promise<SubjectRequestEvent[]> {
    const officer = isPrivacyOfficer(ctx.caller);
    return (await eventLoader(ctx).load(request.id)).map((e) => ({
      id: e.id,
      fromState: e.fromState,
      toState: e.toState,
      actorKind: e.actorKind,
      actorId:
        officer || (e.actorKind === "customer" && ctx.caller.kind === "customer" && e.actorId === ctx.caller.customerId) ? e.actorId : null,
      note: e.note,
      at: e.at,
    }));
  }

  @FieldResolver(() => SubjectRequestOutcome, {
    nullable: true,
    description:
      "What completing did (erasure, rectification; null otherwise and before completion): the privacy office under subject_request, or the subject.",
  })
  async outcome(@Root() request: SubjectRequest, @Ctx() ctx: GatewayContext): Promise<SubjectRequestOutcome | null> {
    if (isPrivacyOfficer(ctx.caller)) requireSubjectRequestPurpose(ctx);
    else if (ctx.caller.kind !== "customer" || ctx.caller.customerId !== request.subjectId) throw notFound();
    const stored = request.storedOutcome;
    if (!stored) return null;
    const partners = await Promise.all(stored.recipients.map((r) => partnerNameLoader(ctx).load(r.partnerId)));
    return {
      tables: stored.tables,
      recipients: stored.recipients.map((r, i) => ({
        ...r,
        lastDisclosedAt: new Date(r.lastDisclosedAt),
        name: partners[i]?.name ?? null,
        kind: partners[i]?.kind ?? null,
      })),
    };
  }

  @Query(() => AccessReport, {
    description: `Every personal value held about the subject of a verified access or portability request, with purposes, retention, source and recipients: the privacy office (purpose subject_request), or the customer the request is about, who also reads it for ${REPORT_READABLE_DAYS} days after completion. Each value passes the same decision and disclosure record as any read. Serving the last page of a walk whose every page selected entries { value } records the delivery (REPORT_DELIVERED event); a page without values reads none (none disclosed or recorded) and the walk then delivers nothing. The subject's id (subjectId) and the entries' row ids, when selected, are recorded as disclosures of the subject's and rows' id fields.`,
  })
  async accessReport(
    @Arg("requestId", () => ID) requestId: string,
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { defaultValue: REPORT_PAGE_ROWS, description: `Rows (not values) per page, 1 to ${MAX_REPORT_PAGE_ROWS}` })
    first: number,
    @Arg("after", () => String, { nullable: true, description: "endCursor of the previous page" }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AccessReport> {
    const entryFields = selectedFields(info, ["entries"]);
    const reportFields = selectedFields(info, []);
    const report = await this.report(
      ctx,
      requestId,
      {
        first,
        after,
        withValues: entryFields.has("value"),
        withStatus: reportFields.has("subjectStatus"),
        withSubjectId: reportFields.has("subjectId"),
        withRowIds: entryFields.has("rowId"),
      },
      info.path,
    );
    return {
      ...report,
      pageInfo: report.page,
      subjectStatus: report.subjectStatus as CustomerStatus | null,
      entries: report.entries.map((e) => ({ ...e, value: e.withheld ? null : valueAsText(e.value) })),
    };
  }

  @Query(() => String, {
    description:
      "The access report as a machine-readable JSON document (portability), paged like accessReport (the document's `page` says how to continue); same checks as accessReport.",
  })
  async portableExport(
    @Arg("requestId", () => ID) requestId: string,
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { defaultValue: REPORT_PAGE_ROWS, description: `Rows (not values) per page, 1 to ${MAX_REPORT_PAGE_ROWS}` })
    first: number,
    @Arg("after", () => String, { nullable: true, description: "page.endCursor of the previous document" }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<string> {
    return JSON.stringify(portableDocument(await this.report(ctx, requestId, { first, after }, info.path)));
  }

  /**
   * The privacy office (under subject_request) reads the report of any verified request; a
   * customer (under their own purpose) only of their own, verified or completed less than
   * REPORT_READABLE_DAYS ago. To a customer, someone else's request and their own unverified,
   * rejected or expired one answer as an unknown id does (no oracle). The last page of a verified
   * request's report records its delivery to that reader, once, when the answer holding the page
   * (at `at`) leaves: an answer an error emptied delivers nothing.
   */
  private async report(ctx: GatewayContext, requestId: string, page: ReportPageRequest, at: GraphQLResolveInfo["path"]) {
    const customerId = ctx.caller.kind === "customer" ? ctx.caller.customerId : null;
    if (customerId === null) requireSubjectRequestPurpose(ctx); // the privacy office, the report's other audience
    if (!isUuid(requestId)) throw notFound();
    const row = await requestById(ctx.db, requestId);
    if (!row || (customerId !== null && (customerId === "" || row.customerId !== customerId))) throw notFound();
    if (!REPORT_KINDS.includes(row.kind as SubjectRequestKind)) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, `A ${row.kind} request has no report; only access and portability requests do.`, {
        reason: "NOT_A_REPORT_REQUEST",
      });
    }
    const stillReadable = row.state === "completed" && row.closedAt !== null && Date.now() < readableUntil(row.closedAt).getTime();
    if (row.state !== "verified" && !(customerId !== null && stillReadable)) {
      if (customerId !== null) throw notFound();
      throw new GatewayError(ErrorCode.FORBIDDEN, `Nothing is released for a ${row.state} request: only a verified one has a report.`, {
        reason: "REQUEST_NOT_VERIFIED",
        state: row.state,
      });
    }
    tagDisclosures(ctx, row.customerId, row.id);
    const report = await buildSubjectReport(
      { db: ctx.db, enforcement: ctx.enforcement, at },
      { id: row.id, customerId: row.customerId },
      page,
    );
    if (row.state === "verified" && report.page.delivered)
      ctx.enforcement.whenAnswered(at, () => recordDelivery(ctx, row, customerId === null ? "office" : "subject"));
    return report;
  }
}
