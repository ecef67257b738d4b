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
 * A value an error nulled on its way out (with a parent, or the whole of `data`) is not recorded
 * (RequestEnforcement's disclosures); withheld cells, which their errors tell, and what has no
 * place in the answer (a subject found by id, a filter's match: an error's path can tell those)
 * are. What the answer's leaving changes (whenAnswered: a report's delivery) is written after the
 * records, and withholds the answer the same way when it fails.
 */
export function createDisclosurePlugin(options: DisclosurePluginOptions): ApolloServerPlugin<EnforcementContext> {
  const write = options.write ?? createDisclosureWriter();
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue: ctx }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          // Only an error can have nulled a value the resolvers released; without data, none left.
          const data = result.errors?.length ? (result.data ?? null) : undefined;
          const disclosures = ctx.enforcement.disclosures(data);
          const actions = ctx.enforcement.answeredActions(result.data ?? null);
          if (disclosures.size === 0 && actions.length === 0) return;
          const rows = disclosureRecords(ctx, disclosures);
          try {
            if (rows.length > 0) await write(ctx.db, rows);
            for (const action of actions) await action();
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
          if (disclosures.size === 0) return;
          const all = new FieldOutcomes(ctx.enforcement.dataMap.coordinates.length);
          for (const outcomes of disclosures.values()) all.include(outcomes);
          const { masked, pseudonymized, withheld } = all.lists(ctx.enforcement.dataMap.coordinates);
          result.extensions = { ...result.extensions, privacy: { purpose: ctx.enforcement.purpose, masked, pseudonymized, withheld } };
        },
      };
    },
  };
}
