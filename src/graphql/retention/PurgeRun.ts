import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import type { ReclaimMethod } from "../../db/reclaimDeletedValues.js";
import type { PurgeActionKind } from "../../retention/purge.js";

/** GraphQL enum `PurgeAction`: DELETE_ROWS -> "delete_rows". */
export const PurgeActionEnum = {
  DELETE_ROWS: "delete_rows",
  NULL_COLUMNS: "null_columns",
  ANONYMIZE: "anonymize",
} as const satisfies Record<string, PurgeActionKind>;
registerEnumType(PurgeActionEnum, {
  name: "PurgeAction",
  description: "What a retention rule does to due data: delete the rows, null the columns, or mask the values.",
});

export const ReclaimMethodEnum = { VACUUM_FULL: "vacuum_full", VACUUM: "vacuum" } as const satisfies Record<string, ReclaimMethod>;
registerEnumType(ReclaimMethodEnum, {
  name: "ReclaimMethod",
  description: "How changed tables were reclaimed: VACUUM FULL (embedded database) or VACUUM (a PostgreSQL server).",
});

@ObjectType({ description: "What a purge did to one table: counts of rows, never a value." })
export class PurgeTableCount {
  @Field(() => String) table!: string;
  @Field(() => Int, { description: "Rows deleted." }) deleted!: number;
  @Field(() => Int, { description: "Rows whose values were nulled or masked." }) anonymised!: number;
  @Field(() => Int, { description: "Rows due but kept because their subject is under restriction." }) held!: number;
}

@ObjectType({ description: "One retention rule applied to one table's columns of one category: counts only." })
export class PurgeRuleCount {
  @Field(() => String) table!: string;
  @Field(() => String, { description: "The Fides category the rule governs." }) category!: string;
  @Field(() => String, { description: "The retention period, as the policy states it." }) retention!: string;
  @Field(() => PurgeActionEnum) action!: PurgeActionKind;
  @Field(() => [String], { description: "The columns it applies to (names, not values)." }) columns!: string[];
  @Field(() => Date, { description: "Data collected (or closed, or whose subject was erased) before this instant was due." }) cutoff!: Date;
  @Field(() => Int) deleted!: number;
  @Field(() => Int) anonymised!: number;
  @Field(() => Int) held!: number;
}

@ObjectType({ description: "What a purge did to the disclosure log: partition names and counts." })
export class DisclosureLogPurgeCount {
  @Field(() => String) retention!: string;
  @Field(() => Date) cutoff!: Date;
  @Field(() => [String], { description: "Monthly partitions dropped, oldest first." }) partitionsDropped!: string[];
  @Field(() => Int, { description: "Records deleted from the default partition." }) recordsDeleted!: number;
  @Field(() => Int, { description: "Due records kept because their subject is under restriction." }) held!: number;
  @Field(() => Boolean, { description: "The log could not be locked in time: nothing of it was purged; the next run tries again." })
  deferred!: boolean;
}

@ObjectType({ description: "What reclaiming the changed tables' storage did after the purge committed." })
export class PurgeStorage {
  @Field(() => [String]) tables!: string[];
  @Field(() => ReclaimMethodEnum) method!: ReclaimMethod;
  @Field(() => String, { nullable: true, description: "Null when it succeeded; else the driver's error code (the purge stays applied)." })
  failure!: string | null;
  @Field(() => Int) ms!: number;
}

@ObjectType({ description: "One run of the retention purge, as recorded in purge_runs: counts per table and rule, never a value." })
export class PurgeRun {
  @Field(() => ID, { nullable: true, description: "The recorded run; null for a dry run, which records and changes nothing." }) id!:
    | string
    | null;
  @Field(() => Date) ranAt!: Date;
  @Field(() => Boolean) dryRun!: boolean;
  @Field(() => String) policyVersion!: string;
  @Field(() => [PurgeTableCount], { description: "Every table that holds personal data, zeros included." }) tables!: PurgeTableCount[];
  @Field(() => [PurgeRuleCount]) rules!: PurgeRuleCount[];
  @Field(() => DisclosureLogPurgeCount) disclosureLog!: DisclosureLogPurgeCount;
  @Field(() => PurgeStorage, { nullable: true, description: "Null when nothing changed (and on a dry run)." })
  storage!: PurgeStorage | null;
}
