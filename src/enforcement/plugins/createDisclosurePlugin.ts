import type { ApolloServerPlugin } from "@apollo/server";
import { databaseErrorCode } from "../../db/isDatabaseUnavailable.js";
import { ErrorCode, HTTP_STATUS } from "../../errors/ErrorCode.js";
import type { EnforcementContext } from "../EnforcementContext.js";
import type { Logger } from "../Logger.js";
import { createDisclosureWriter, type DisclosureWrite } from "../createDisclosureWriter.js";
import { disclosureRecords } from "../disclosureRecords.js";
import { FieldOutcomes } from "../FieldOutcomes.js";

export interface DisclosurePluginOptions {
  /** Where a failed write is logged (request id, subject count, driver code; never a value). Required. */
  logger: Logger;
  /** How records are written. Default: createDisclosureWriter() (concurrent requests' records share one insert). */
  write?: DisclosureWrite;
  /** Called once per failed write, after the response was withheld (metrics count them). Default: none. */
  onDisclosureLogFailure?: () => void;
}

/**
 * Records every disclosure before the response leaves: one row per (request, subject), coordinates
 * and effects only, committed before the answer goes (with other requests' records when several
 * finish together). If the write fails the response is replaced: no data, one
 * DISCLOSURE_NOT_RECORDED error, HTTP 503 (fail closed). The response's
 * `extensions.privacy` tells the client which coordinates were masked, pseudonymised or withheld.
 * A value an error nulled on its way out (with a parent) is not recorded (RequestEnforcement's
 * disclosures); an answer whose whole `data` an error nulled carries no value and no id: only its
 * WITHHELD errors are recorded (leftWith).
 */
export function createDisclosurePlugin(options: DisclosurePluginOptions): ApolloServerPlugin<EnforcementContext> {
  const write = options.write ?? createDisclosureWriter();
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue: ctx }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          // Only an error can have nulled a value the resolvers released: without one, nothing to look up.
          const disclosures = leftWith(result.data, ctx.enforcement.disclosures(result.errors?.length ? result.data : undefined));
          if (disclosures.size === 0) return;
          const rows = disclosureRecords(ctx, disclosures);
          try {
            await write(ctx.db, rows);
          } catch (error) {
            options.logger.error(
              { requestId: ctx.requestId, subjects: rows.length, code: databaseErrorCode(error) },
              "disclosure log write failed; response withheld",
            );
            options.onDisclosureLogFailure?.();
            result.data = null;
            result.extensions = undefined;
            result.errors = [
              {
                message: "The request could not be recorded in the disclosure log, so no data is returned. Try again.",
                extensions: { code: ErrorCode.DISCLOSURE_NOT_RECORDED },
              },
            ] as never;
            response.http.status = HTTP_STATUS[ErrorCode.DISCLOSURE_NOT_RECORDED];
            return;
          }
          const all = new FieldOutcomes(ctx.enforcement.dataMap.coordinates.length);
          for (const outcomes of disclosures.values()) all.include(outcomes);
          const { masked, pseudonymized, withheld } = all.lists(ctx.enforcement.dataMap.coordinates);
          result.extensions = { ...result.extensions, privacy: { purpose: ctx.enforcement.purpose, masked, pseudonymized, withheld } };
        },
      };
    },
  };
}

/**
 * What the answer took with it: everything recorded, unless the answer has no `data` (an error nulled the whole of it).
 * Then no value, id or match left, whatever the resolvers had produced by then (compiled
 * execution completes every root field; graphql-js stops at the first failing one), and only the
 * withheld cells remain, told by their errors.
 */
function leftWith(data: unknown, disclosures: ReadonlyMap<string, FieldOutcomes>): ReadonlyMap<string, FieldOutcomes> {
  if ((data !== null && data !== undefined) || disclosures.size === 0) return disclosures;
  const withheld = new Map<string, FieldOutcomes>();
  for (const [subject, outcomes] of disclosures) {
    const kept = outcomes.withheldOnly();
    if (kept !== null) withheld.set(subject, kept);
  }
  return withheld;
}
