import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { personalColumns } from "../../datamap/columns.js";
import { ErrorCode } from "../../errors/ErrorCode.js";
import { GatewayError } from "../../errors/GatewayError.js";
import { purge, PurgeNotRun, type PurgeReport } from "../../retention/purge.js";
import { purposeName } from "../../policy/purposeName.js";
import type { GatewayContext } from "../context.js";
import { PurgeRun } from "./PurgeRun.js";

function toPurgeRun(report: PurgeReport): PurgeRun {
  return {
    id: report.runId,
    ranAt: new Date(report.ranAt),
    dryRun: report.dryRun,
    policyVersion: report.policyVersion,
    tables: report.tables,
    rules: report.actions.map((a) => ({ ...a, cutoff: new Date(a.cutoff) })),
    disclosureLog: { ...report.disclosureLog, cutoff: new Date(report.disclosureLog.cutoff) },
    storage: report.storage,
  };
}

@Resolver()
export class RetentionResolver {
  @Mutation(() => PurgeRun, {
    description:
      "Apply the retention schedule now, as the server's daily run does (privacy office, purpose legal_compliance). A dry run reports what it would do and changes nothing.",
  })
  async runRetentionPurge(
    @Arg("dryRun", () => Boolean, { defaultValue: false }) dryRun: boolean,
    @Ctx() ctx: GatewayContext,
  ): Promise<PurgeRun> {
    if (ctx.enforcement.purpose !== "legal_compliance") {
      throw new GatewayError(
        ErrorCode.PURPOSE_NOT_ALLOWED,
        `The retention purge runs under the purpose ${purposeName("legal_compliance")}.`,
        {
          allowedPurposes: [purposeName("legal_compliance")],
        },
      );
    }
    try {
      return toPurgeRun(
        await purge(ctx.db, { now: new Date(), columns: personalColumns(ctx.enforcement.dataMap), dryRun, policy: ctx.enforcement.policy }),
      );
    } catch (error) {
      if (error instanceof PurgeNotRun)
        throw new GatewayError(
          ErrorCode.PURGE_IN_PROGRESS,
          "Another retention purge is running on this database; try again when it has finished.",
        );
      throw error;
    }
  }
}
