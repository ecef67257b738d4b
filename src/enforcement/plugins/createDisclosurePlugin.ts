import type { ApolloServerPlugin } from "@apollo/server";
import { databaseErrorCode } from "../../db/isDatabaseUnavailable.js";
import { ErrorCode, HTTP_STATUS } from "../../errors/ErrorCode.js";
import type { GatewayContext } from "../../graphql/context.js";
import type { Logger } from "../../server/logger.js";
import { createDisclosureWriter, type DisclosureWrite } from "../createDisclosureWriter.js";
import { disclosureRecords } from "../disclosureRecords.js";
import { FieldOutcomes } from "../FieldOutcomes.js";

/**
 * Records every disclosure before the response leaves: one row per (request, subject), coordinates
 * and effects only, committed before the answer goes (with other requests' records when several
 * finish together). If the write fails the response is replaced: no data, one
 * DISCLOSURE_NOT_RECORDED error, HTTP 503 (fail closed). The response's
 * `extensions.privacy` tells the client which coordinates were masked, pseudonymised or withheld.
 */
export function createDisclosurePlugin(options: {
  logger: Logger;
  /** How records are written. Default: createDisclosureWriter() (concurrent requests' records share one insert). */
  write?: DisclosureWrite;
  /** Called once per failed write, after the response was withheld (metrics count them). Default: none. */
  onDisclosureLogFailure?: () => void;
}): ApolloServerPlugin<GatewayContext> {
  const write = options.write ?? createDisclosureWriter();
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue: ctx }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          const disclosures = ctx.enforcement.disclosures();
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
